#pragma once

#include "core/explain/explanation.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

class Dataset;

/** What writing one explained sample's files produced. Plain values; any thread. */
struct SampleExport
{
    QJsonObject json;     ///< what <stem>.json holds: the explanation plus "overlays", the PNG names
    QStringList files;    ///< every file written: the overlay PNGs, then the JSON
    QString overlayError; ///< the first overlay that could not be drawn or written; the JSON is still written
    QString error;        ///< the JSON could not be written ("cannot write PATH: reason")
};

/** `sampleId` made safe as a file name (free text → [A-Za-z0-9._-]): the stem of its files. */
QString sampleFileStem(const QString &sampleId);

/** Writes `json` indented, atomically (QSaveFile); false with "cannot write PATH: reason". */
bool writeJsonFile(const QString &path, const QJsonObject &json, QString *error);

/**
 * Writes what `fusionscope explain` writes per sample into `dir`: writeSampleOverlays' PNGs
 * (<stem>_image.png, <stem>_audio.png, <stem>_text.png) and <stem>.json. Every file is
 * written atomically. Torch-free; any thread.
 */
SampleExport writeSampleExport(const Dataset &dataset, const SampleExplanation &sample, const QString &dir);

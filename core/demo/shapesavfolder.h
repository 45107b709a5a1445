#pragma once

#include "core/demo/shapesavgenerator.h"

#include <QtCore/QString>

// The output folder of `fusionscope demo-data`: what may be overwritten, and the README
// that explains the dataset (and marks the folder as Shapes-AV).

/** The first line of README.txt; it marks a folder as a Shapes-AV dataset. */
QString shapesAvReadmeMarker();

/** True when dir holds a Shapes-AV dataset (README marker, or a manifest with its meta). */
bool isShapesAvFolder(const QString &dir);

/**
 * Makes dir ready for writing: creates it (and images/, audio/) when new or empty; clears
 * an existing Shapes-AV dataset only when force; refuses any other non-empty folder.
 */
bool prepareShapesAvFolder(const QString &dir, bool force, QString *error);

/** README.txt: the task, the files, the accuracy ceilings and how it was generated. */
bool writeShapesAvReadme(const QString &path, const ShapesAvOptions &options, QString *error);

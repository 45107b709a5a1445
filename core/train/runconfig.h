#pragma once

#include "core/data/columnmap.h"
#include "core/data/preprocessconfig.h"
#include "core/data/task.h"
#include "core/model/modelconfig.h"
#include "core/train/trainconfig.h"

#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

/**
 * Everything a run folder's config.json records: enough to resume the run or to repeat it
 * bit for bit (dataset, column mapping, preprocessing, model and training configuration).
 */
struct RunConfig
{
    QString datasetPath;
    ColumnMap columns;
    PreprocessConfig preprocess;
    QStringList labels;
    TaskSpec task; ///< as resolved on the dataset at the run's start (regress: its standardisation)
    ModelConfig model;
    TrainConfig train;

    QJsonObject toJson() const;
    /** False with a sentence naming the bad section when config.json cannot be used. */
    static bool fromJson(const QJsonObject &json, RunConfig *config, QString *error);
};

/** The files of a run folder, by name, so the GUI, the CLI and the trainer agree. */
namespace runfiles {
QString configPath(const QString &runDir);        ///< config.json
QString metricsPath(const QString &runDir);       ///< metrics.jsonl
QString checkpointDir(const QString &runDir);     ///< checkpoints/
QString lastCheckpointPath(const QString &runDir); ///< checkpoints/last.pt
QString bestWeightsPath(const QString &runDir);   ///< checkpoints/best.pt (early stopping)
QString tokenizerPath(const QString &runDir);     ///< tokenizer.model
QString modelPath(const QString &runDir);         ///< model.pt
QString reportPath(const QString &runDir);        ///< report.json

/** Writes indented JSON through a temp file, fsync and a rename (writeFileAtomically). */
bool writeJsonFile(const QString &path, const QJsonObject &json, QString *error);
/** Reads a JSON object; false with a sentence naming the file and the parse error. */
bool readJsonFile(const QString &path, QJsonObject *json, QString *error);
} // namespace runfiles

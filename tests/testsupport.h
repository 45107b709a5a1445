#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

#include <vector>

/** Helpers shared by the test executables: fixtures are synthesised, never downloaded. */
namespace testsupport {

/** Writes bytes to path (creating parent folders); fails the calling test via qFatal on error. */
void writeFile(const QString &path, const QByteArray &bytes);

/** Result of running the fusionscope binary. */
struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/**
 * Runs the built fusionscope executable with arguments; waits at most timeoutMs, times
 * FUSIONSCOPE_TEST_TIMEOUT_SCALE where the environment sets it (the sanitized suite does: its
 * binaries train several times slower, and CTest's own timeout still bounds the test).
 */
ProcessResult runFusionscope(const QStringList &arguments, int timeoutMs = 300000);

/**
 * `fusionscope train DATA --fusion FUSION --task TASK --epochs EPOCHS --out RUN` with the
 * colour-caption tests' small settings (datasetfixture::kColourCaptionsConfig, written as
 * RUN.json beside the run folder).
 */
ProcessResult trainColourCaptions(const QString &data, const QString &fusion, const QString &task, int epochs, const QString &run);

/** A JSON file's top-level object; empty when it is missing or not an object. */
QJsonObject readJson(const QString &path);

/** `key` of every epoch record in a run folder's metrics.jsonl, in order (`fallback` where one lacks it). */
std::vector<double> epochValues(const QString &runDir, const QString &key, double fallback = -1.0);

/**
 * Saves, through the Python peer, a TorchScript model whose forward returns only "logits"
 * (no embeddings, no meta.json): the foreign model the embedding commands must refuse by name.
 * Returns an empty string, or what Python printed on failure.
 */
QByteArray writeLogitsOnlyModel(const QString &path);

/**
 * Writes, with the Python peer, a TorchScript model without meta.json that returns the whole
 * embedding contract from simple statistics of its inputs: "logits" [B, 2] (red minus blue,
 * so datasetfixture::write's labels a/b), "embedding", and normalised "embed/text",
 * "embed/image", "embed/audio" (zeros where absent). Empty on success, else why not.
 */
QByteArray writeEmbeddingModel(const QString &path);

} // namespace testsupport

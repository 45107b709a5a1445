#include "core/eval/evaloutputs.h"

#include "core/eval/modelio.h"

#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QSaveFile>

#include <torch/csrc/jit/serialization/pickle.h>

#include <cmath>

namespace {

bool writeAtomically(const QString &path, const char *data, qint64 size, QString *error)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data, size) != size || !file.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

bool writePredictions(const QString &path, const Dataset &dataset, const std::vector<SamplePrediction> &predictions,
                      const QStringList &classNames, QString *error)
{
    QByteArray lines;
    for (const SamplePrediction &prediction : predictions) {
        const SampleRecord &record = dataset.record(prediction.index);
        QJsonObject line;
        line.insert(QStringLiteral("id"), record.id);
        line.insert(QStringLiteral("label"), record.label.isEmpty() ? QJsonValue() : QJsonValue(record.label));
        line.insert(QStringLiteral("predicted"), classNames.value(prediction.predicted));
        QJsonObject probabilities;
        for (std::size_t c = 0; c < prediction.probabilities.size(); ++c)
            probabilities.insert(classNames.value(int(c)), double(prediction.probabilities[c]));
        line.insert(QStringLiteral("probabilities"), probabilities);
        lines += QJsonDocument(line).toJson(QJsonDocument::Compact);
        lines += '\n';
    }
    return writeAtomically(path, lines.constData(), lines.size(), error);
}

bool writeRegressionPredictions(const QString &path, const Dataset &dataset,
                                const std::vector<RegressionPrediction> &predictions, const TaskSpec &task, QString *error)
{
    QByteArray lines;
    for (const RegressionPrediction &prediction : predictions) {
        const SampleRecord &record = dataset.record(prediction.index);
        QJsonObject target;
        QJsonObject predicted;
        for (int k = 0; k < task.targets.size(); ++k) {
            const QString &name = task.targets.at(k);
            const int column = int(dataset.targetNames().indexOf(name));
            const float truth = column >= 0 && std::size_t(column) < record.targets.size() ? record.targets[std::size_t(column)]
                                                                                          : std::nanf("");
            target.insert(name, std::isfinite(truth) ? QJsonValue(double(truth)) : QJsonValue());
            predicted.insert(name, double(prediction.values[std::size_t(k)]));
        }
        QJsonObject line{{QStringLiteral("id"), record.id},
                         {QStringLiteral("target"), record.targets.empty() ? QJsonValue() : QJsonValue(target)},
                         {QStringLiteral("predicted"), predicted}};
        lines += QJsonDocument(line).toJson(QJsonDocument::Compact);
        lines += '\n';
    }
    return writeAtomically(path, lines.constData(), lines.size(), error);
}

bool writeTagPredictions(const QString &path, const Dataset &dataset, const std::vector<TagPrediction> &predictions,
                         const TaskSpec &task, QString *error)
{
    QByteArray lines;
    for (const TagPrediction &prediction : predictions) {
        const SampleRecord &record = dataset.record(prediction.index);
        QJsonArray truth;
        QJsonArray predicted;
        QJsonObject probabilities;
        for (int k = 0; k < task.targets.size(); ++k) {
            const QString &tag = task.targets.at(k);
            const int column = int(dataset.targetNames().indexOf(tag));
            if (column >= 0 && std::size_t(column) < record.targets.size() && record.targets[std::size_t(column)] > 0.5f)
                truth.append(tag);
            const double probability = prediction.probabilities[std::size_t(k)];
            probabilities.insert(tag, probability);
            if (probability >= task.thresholds.at(std::size_t(k)))
                predicted.append(tag);
        }
        QJsonObject line{{QStringLiteral("id"), record.id},
                         {QStringLiteral("tags"), record.targets.empty() ? QJsonValue() : QJsonValue(truth)},
                         {QStringLiteral("predicted"), predicted},
                         {QStringLiteral("probabilities"), probabilities}};
        lines += QJsonDocument(line).toJson(QJsonDocument::Compact);
        lines += '\n';
    }
    return writeAtomically(path, lines.constData(), lines.size(), error);
}

bool dumpBatch(const QString &path, torch::jit::Module &module, const Batch &batch, const at::Tensor &labels,
               at::Tensor *logits, QString *error)
{
    std::vector<char> bytes;
    try {
        torch::NoGradGuard noGrad;
        setTrainingMode(module, false);
        const c10::IValue output = module.forward({batch.text, batch.image, batch.audio, batch.present});
        const at::Tensor values = output.toGenericDict().at(c10::IValue(std::string("logits"))).toTensor();
        c10::Dict<std::string, at::Tensor> dump;
        dump.insert("text", batch.text);
        dump.insert("image", batch.image);
        dump.insert("audio", batch.audio);
        dump.insert("present", batch.present);
        dump.insert("labels", labels);
        dump.insert("logits", values);
        bytes = torch::pickle_save(c10::IValue(dump));
        if (logits)
            *logits = values;
    } catch (const std::exception &exception) {
        if (error)
            *error = QStringLiteral("cannot dump the first batch to %1: %2").arg(path, torchErrorSentence(exception));
        return false;
    }
    return writeAtomically(path, bytes.data(), qint64(bytes.size()), error);
}

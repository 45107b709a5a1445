#include "core/eval/reporttext.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>

#include <algorithm>
#include <cmath>

namespace {

QString percent(double value)
{
    return QStringLiteral("%1 %").arg(100.0 * value, 5, 'f', 1);
}

/** A JSON value on one line: numbers without trailing noise, arrays and objects compact. */
QString compact(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return value.toString();
    case QJsonValue::Double: return QString::number(value.toDouble(), 'g', 6);
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    default: return QStringLiteral("null");
    }
}

/** "  key  value" lines, keys aligned; nested objects one level deep as "outer.inner". */
QString keyValueLines(const QJsonObject &json, const QString &indent)
{
    QList<QPair<QString, QString>> rows;
    for (auto it = json.constBegin(); it != json.constEnd(); ++it) {
        if (it.value().isObject() && !it.value().toObject().isEmpty()) {
            const QJsonObject inner = it.value().toObject();
            for (auto in = inner.constBegin(); in != inner.constEnd(); ++in)
                rows.append({it.key() + QLatin1Char('.') + in.key(), compact(in.value())});
        } else {
            rows.append({it.key(), compact(it.value())});
        }
    }
    int width = 0;
    for (const auto &row : rows)
        width = std::max(width, int(row.first.size()));
    QString text;
    for (const auto &row : rows)
        text += indent + row.first.leftJustified(width + 2) + row.second + QLatin1Char('\n');
    return text;
}

/** Three decimals, or "-" for an undefined value (a class without positives or negatives). */
QString fixed3(double value)
{
    return std::isfinite(value) ? QString::number(value, 'f', 3) : QStringLiteral("-");
}

} // namespace

QString formatCurveSummary(const ClassifierCurves &curves)
{
    if (curves.isEmpty())
        return {};
    QString text = QStringLiteral("top-k     ");
    for (std::size_t k = 0; k < curves.topK.size(); ++k)
        text += QStringLiteral("top-%1 %2   ").arg(k + 1).arg(percent(curves.topK[k]).trimmed());
    text = text.trimmed() + QLatin1Char('\n');
    text += QStringLiteral("ROC AUC   %1 (macro, one-vs-rest)   average precision %2 (macro)\n")
                .arg(fixed3(curves.macroAuc), fixed3(curves.macroAveragePrecision));
    text += QStringLiteral("ECE       %1 (expected calibration error, %2 equal-width confidence bins; largest bin gap %3)\n")
                .arg(percent(curves.expectedCalibrationError).trimmed())
                .arg(ClassifierCurves::kCalibrationBins)
                .arg(percent(curves.maxCalibrationError).trimmed());
    return text;
}

QString formatEvalReport(const EvalReport &report)
{
    QString text;
    if (!report.error.isEmpty())
        text += QStringLiteral("incomplete: %1\n").arg(report.error);
    if (report.samples == 0) {
        text += QStringLiteral("no labeled samples: nothing to score\n");
        return text;
    }
    if (report.task == TaskKind::Regress) {
        text += report.regression.toText();
        if (!report.regression.subsetR2.isEmpty()) {
            text += QStringLiteral("\nmean R² with only these modalities present\n");
            for (const QString &name : EvalReport::subsetNames()) {
                if (report.regression.subsetR2.contains(name))
                    text += QStringLiteral("  %1%2\n").arg(name, -18).arg(fixed3(report.regression.subsetR2.value(name)));
            }
        }
        return text;
    }
    if (report.task == TaskKind::Multilabel) {
        text += report.multilabel.toText();
        if (!report.multilabel.subsetMap.isEmpty()) {
            text += QStringLiteral("\nmAP with only these modalities present\n");
            for (const QString &name : EvalReport::subsetNames()) {
                if (report.multilabel.subsetMap.contains(name))
                    text += QStringLiteral("  %1%2\n").arg(name, -18).arg(fixed3(report.multilabel.subsetMap.value(name)));
            }
        }
        return text;
    }
    text += QStringLiteral("accuracy  %1   macro-F1 %2   loss %3   (%4 labeled samples)\n\n")
                .arg(percent(report.accuracy).trimmed())
                .arg(report.macroF1, 0, 'f', 3)
                .arg(report.loss, 0, 'f', 4)
                .arg(report.samples);
    text += formatCurveSummary(report.curves);
    text += QLatin1Char('\n');

    int labelWidth = 5;
    for (const QString &label : report.labels)
        labelWidth = std::max(labelWidth, int(label.size()));
    text += QStringLiteral("%1  precision  recall     F1  support    AUC     AP\n").arg(QStringLiteral("class"), -labelWidth);
    for (int c = 0; c < report.perClass.size(); ++c) {
        const EvalReport::ClassScores &scores = report.perClass.at(c);
        const bool curves = std::size_t(c) < report.curves.perClass.size();
        text += QStringLiteral("%1  %2  %3  %4  %5  %6  %7\n")
                    .arg(report.labels.value(c), -labelWidth)
                    .arg(scores.precision, 9, 'f', 3)
                    .arg(scores.recall, 6, 'f', 3)
                    .arg(scores.f1, 5, 'f', 3)
                    .arg(scores.support, 7)
                    .arg(fixed3(curves ? report.curves.perClass[std::size_t(c)].auc : std::nan("")), 5)
                    .arg(fixed3(curves ? report.curves.perClass[std::size_t(c)].averagePrecision : std::nan("")), 5);
    }

    int cellWidth = 4;
    for (const auto &row : report.confusion)
        for (int count : row)
            cellWidth = std::max(cellWidth, int(QString::number(count).size()) + 1);
    text += QStringLiteral("\nconfusion (rows: true class, columns: predicted, in class order)\n");
    text += QString(labelWidth, QLatin1Char(' '));
    for (int c = 0; c < int(report.confusion.size()); ++c)
        text += QStringLiteral("%1").arg(c, cellWidth);
    text += QLatin1Char('\n');
    for (int t = 0; t < int(report.confusion.size()); ++t) {
        text += QStringLiteral("%1").arg(report.labels.value(t), -labelWidth);
        for (int count : report.confusion[std::size_t(t)])
            text += QStringLiteral("%1").arg(count, cellWidth);
        text += QLatin1Char('\n');
    }

    if (!report.subsetAccuracy.isEmpty()) {
        text += QStringLiteral("\naccuracy with only these modalities present\n");
        for (const QString &name : EvalReport::subsetNames()) {
            if (report.subsetAccuracy.contains(name))
                text += QStringLiteral("  %1%2\n").arg(name, -18).arg(percent(report.subsetAccuracy.value(name)));
        }
    }
    return text;
}

QString formatModelMeta(const ModelMeta &meta)
{
    QString text;
    text += QStringLiteral("task         %1\n").arg(meta.task.describe());
    if (meta.task.isRegression()) {
        for (int k = 0; k < meta.task.targets.size(); ++k)
            text += QStringLiteral("  %1 mean %2, std %3\n")
                        .arg(meta.task.targets.at(k), -10)
                        .arg(meta.task.mean[std::size_t(k)], 0, 'g', 6)
                        .arg(meta.task.std[std::size_t(k)], 0, 'g', 6);
    } else if (meta.task.isMultilabel()) {
        for (int k = 0; k < meta.task.targets.size(); ++k)
            text += QStringLiteral("  %1 threshold %2%3\n")
                        .arg(meta.task.targets.at(k), -10)
                        .arg(meta.task.thresholds[std::size_t(k)], 0, 'f', 3)
                        .arg(meta.task.posWeight.empty() ? QString()
                                                         : QStringLiteral(", pos_weight %1").arg(meta.task.posWeight[std::size_t(k)], 0, 'g', 4));
    } else if (meta.task.hasTaskOutputs()) {
        text += QStringLiteral("labels (%1)").arg(meta.labels.size()).leftJustified(13) + meta.labels.join(QStringLiteral(", ")) + QLatin1Char('\n');
    }
    if (meta.builtIn) {
        const ModelConfig &m = meta.model;
        text += QStringLiteral("fusion       %1 (dim %2, %3 heads, %4 layers, dropout %5)\n")
                    .arg(m.fusion)
                    .arg(m.dim)
                    .arg(m.heads)
                    .arg(m.layers)
                    .arg(m.dropout);
        text += QStringLiteral("encoders     text %1, image %2, audio %3\n").arg(m.textEncoder, m.imageEncoder, m.audioEncoder);
    } else {
        text += QStringLiteral("model        external TorchScript model with FusionScope metadata\n");
    }
    const PreprocessConfig &p = meta.preprocess;
    text += QStringLiteral("image        %1x%1 RGB, mean [%2 %3 %4], std [%5 %6 %7]\n")
                .arg(p.imageSize)
                .arg(p.imageMean[0], 0, 'g', 4).arg(p.imageMean[1], 0, 'g', 4).arg(p.imageMean[2], 0, 'g', 4)
                .arg(p.imageStd[0], 0, 'g', 4).arg(p.imageStd[1], 0, 'g', 4).arg(p.imageStd[2], 0, 'g', 4);
    text += QStringLiteral("audio        %1 s at %2 Hz -> %3 mels x %4 frames (window %5, hop %6), mean %7, std %8\n")
                .arg(p.audioSeconds, 0, 'g', 4)
                .arg(p.mel.sampleRate)
                .arg(p.mel.melBins)
                .arg(p.audioFrames())
                .arg(p.mel.windowLength)
                .arg(p.mel.hopLength)
                .arg(p.melMean, 0, 'g', 4)
                .arg(p.melStd, 0, 'g', 4);
    text += QStringLiteral("text         %1 tokens, SentencePiece vocabulary up to %2\n").arg(p.textLength).arg(p.vocabSize);
    if (!meta.tokenLayout.isEmpty())
        text += QStringLiteral("token layout\n") + keyValueLines(meta.tokenLayout, QStringLiteral("  "));
    if (!meta.trainConfig.isEmpty())
        text += QStringLiteral("training\n") + keyValueLines(meta.trainConfig, QStringLiteral("  "));
    if (!meta.metrics.isEmpty())
        text += QStringLiteral("final metrics\n") + keyValueLines(meta.metrics, QStringLiteral("  "));
    return text;
}

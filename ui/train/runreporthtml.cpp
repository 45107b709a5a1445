// runreportexport::html(): the self-contained HTML report (declared in runreportexport.h).
#include "ui/train/runreportexport.h"

#include "core/eval/evalreport.h"
#include "ui/plot/classifiercurvesplot.h"
#include "ui/plot/plotexport.h"
#include "ui/plot/runreportplot.h"
#include "ui/train/runreportdata.h"

#include <QtCore/QBuffer>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtWidgets/QApplication>
#include <QtWidgets/QStyle>
#include <cmath>

namespace {

const QSize kPlotSize(720, 300);

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString percent(double value)
{
    return std::isfinite(value) ? QString::number(value * 100.0, 'f', 2) + QStringLiteral(" %") : QStringLiteral("–");
}

QString fixed(double value, int decimals = 4)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("–");
}

QString jsonText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(value.toDouble(), 'g', 10);
    case QJsonValue::String: return value.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue &item : value.toArray())
            parts << jsonText(item);
        return parts.join(QStringLiteral(", "));
    }
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    default: return QStringLiteral("–");
    }
}

QString row(const QString &name, const QString &value, const QString &id = {})
{
    const QString idAttribute = id.isEmpty() ? QString() : QStringLiteral(" id=\"%1\"").arg(id);
    return QStringLiteral("<tr><th>%1</th><td%2>%3</td></tr>\n").arg(esc(name), idAttribute, esc(value));
}

/** An <img> of `plot`, whose palette and size the caller has set (see lightPlot). */
QString embedded(QCustomPlot *plot, const QString &alt)
{
    // Twice the pixels, shown at kPlotSize: sharp on high-density screens and in print.
    const QImage image = plotexport::renderImage(plot, kPlotSize, 2.0);
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return QStringLiteral("<img src=\"data:image/png;base64,%1\" width=\"%2\" height=\"%3\" alt=\"%4\">\n")
        .arg(QString::fromLatin1(buffer.data().toBase64()), QString::number(kPlotSize.width()),
             QString::number(kPlotSize.height()), esc(alt));
}

/** Plots in reports use the light standard palette (reports are read on paper and white pages). */
void lightPlot(QCustomPlot *plot)
{
    plot->setPalette(QApplication::style()->standardPalette());
    plot->resize(kPlotSize);
}

QString plotImage(const RunReportData &run, RunReportPlot::Kind kind, const QString &alt)
{
    RunReportPlot plot(kind);
    lightPlot(&plot);
    plot.setRun(run);
    return embedded(&plot, alt);
}

QString curvesImage(const EvalReport &test, ClassifierCurvesPlot::Kind kind, const QString &alt)
{
    ClassifierCurvesPlot plot(kind);
    lightPlot(&plot);
    plot.setCurves(test.curves, test.labels);
    return embedded(&plot, alt);
}

QString targetNames(const EvalReport &test)
{
    QStringList names;
    for (const TargetScores &target : test.regression.targets)
        names << target.name;
    return names.join(QStringLiteral(", "));
}

QString perTarget(const EvalReport &test)
{
    QString html = QStringLiteral("<section id=\"per-target\"><h2>%1</h2><table class=\"grid\">\n<tr><th>%2</th><th>%3</th>"
                                  "<th>MAE</th><th>RMSE</th><th>R²</th><th>Pearson</th><th>Spearman</th><th>%4</th><th>%5</th></tr>\n")
                       .arg(QObject::tr("Per-target scores (test)"), QObject::tr("target"), QObject::tr("samples"),
                            QObject::tr("sign accuracy"), QObject::tr("sign F1"));
    for (const TargetScores &s : test.regression.targets)
        html += QStringLiteral("<tr><th>%1</th><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td><td>%9</td></tr>\n")
                    .arg(esc(s.name), QString::number(s.samples), fixed(s.mae), fixed(s.rmse), fixed(s.r2), fixed(s.pearson),
                         fixed(s.spearman), fixed(s.signAccuracy), fixed(s.signF1));
    return html + QStringLiteral("</table></section>\n");
}

QString perTag(const EvalReport &test)
{
    QString html = QStringLiteral("<section id=\"per-tag\"><h2>%1</h2><p class=\"note\">%2</p><table class=\"grid\">\n"
                                  "<tr><th>%3</th><th>%4</th><th>%5</th><th>%6</th><th>%7</th><th>F1</th><th>AP</th><th>AUC</th></tr>\n")
                       .arg(QObject::tr("Per-tag scores (test)"),
                            QObject::tr("Precision, recall and F1 at each tag's threshold, tuned on the validation split for its best F1."),
                            QObject::tr("tag"), QObject::tr("positives"), QObject::tr("threshold"), QObject::tr("precision"),
                            QObject::tr("recall"));
    for (const TagScores &t : test.multilabel.tags)
        html += QStringLiteral("<tr><th>%1</th><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td></tr>\n")
                    .arg(esc(t.name), QString::number(t.positives()), fixed(t.threshold), fixed(t.precision), fixed(t.recall),
                         fixed(t.f1), fixed(t.curves.averagePrecision), fixed(t.curves.auc));
    return html + QStringLiteral("</table></section>\n");
}

QString summary(const RunReportData &run)
{
    const QJsonObject validation = run.report.value(QLatin1String("validation")).toObject();
    const QJsonObject model = run.config.value(QLatin1String("model")).toObject();
    QString html = QStringLiteral("<section id=\"summary\"><h2>Summary</h2><table class=\"kv\">\n");
    const TaskKind task = run.task();
    if (run.hasTest && task == TaskKind::Regress) {
        html += row(QObject::tr("Task"), QObject::tr("regression of %1").arg(targetNames(run.test)));
        html += row(QObject::tr("Test mean R²"), fixed(run.test.regression.meanR2), QStringLiteral("test-r2"));
        html += row(QObject::tr("Test loss"), fixed(run.test.regression.loss));
        html += row(QObject::tr("Test samples"), QString::number(run.test.samples));
    } else if (run.hasTest && task == TaskKind::Multilabel) {
        const MultilabelReport &m = run.test.multilabel;
        html += row(QObject::tr("Task"), QObject::tr("multi-label, %1 tags").arg(m.tags.size()));
        html += row(QObject::tr("Test mAP"), fixed(m.meanAveragePrecision), QStringLiteral("test-map"));
        html += row(QObject::tr("Test micro-F1"), fixed(m.microF1), QStringLiteral("test-micro-f1"));
        html += row(QObject::tr("Test macro-F1"), fixed(m.macroF1));
        html += row(QObject::tr("Test exact match"), percent(m.exactMatch));
        html += row(QObject::tr("Test samples"), QString::number(run.test.samples));
    } else if (run.hasTest) {
        html += row(QObject::tr("Test accuracy"), percent(run.test.accuracy), QStringLiteral("test-accuracy"));
        html += row(QObject::tr("Test macro-F1"), fixed(run.test.macroF1), QStringLiteral("test-macro-f1"));
        html += row(QObject::tr("Test loss"), fixed(run.test.loss));
        html += row(QObject::tr("Test samples"), QString::number(run.test.samples));
    }
    if (!validation.isEmpty() && task == TaskKind::Regress) {
        html += row(QObject::tr("Validation mean R²"), fixed(validation.value(QLatin1String("r2")).toDouble(NAN)));
        html += row(QObject::tr("Validation loss"), fixed(validation.value(QLatin1String("loss")).toDouble(NAN)));
    } else if (!validation.isEmpty() && task == TaskKind::Multilabel) {
        html += row(QObject::tr("Validation mAP"), fixed(validation.value(QLatin1String("map")).toDouble(NAN)));
        html += row(QObject::tr("Validation loss"), fixed(validation.value(QLatin1String("loss")).toDouble(NAN)));
    } else if (!validation.isEmpty()) {
        html += row(QObject::tr("Validation accuracy"), percent(validation.value(QLatin1String("accuracy")).toDouble(NAN)));
        html += row(QObject::tr("Validation loss"), fixed(validation.value(QLatin1String("loss")).toDouble(NAN)));
    }
    if (!run.report.isEmpty()) {
        html += row(QObject::tr("Epochs trained"), jsonText(run.report.value(QLatin1String("epochs_trained"))));
        html += row(QObject::tr("Optimiser steps"), jsonText(run.report.value(QLatin1String("steps"))));
        html += row(QObject::tr("Training time"),
                    QObject::tr("%1 s").arg(fixed(run.report.value(QLatin1String("training_seconds")).toDouble(NAN), 1)));
        html += row(QObject::tr("Stopped early"), jsonText(run.report.value(QLatin1String("stopped_early"))));
    }
    if (!model.isEmpty())
        html += row(QObject::tr("Fusion"), model.value(QLatin1String("fusion")).toString());
    const QString dataset = run.config.value(QLatin1String("dataset")).toObject().value(QLatin1String("path")).toString();
    if (!dataset.isEmpty())
        html += row(QObject::tr("Dataset"), QDir::toNativeSeparators(dataset));
    return html + QStringLiteral("</table></section>\n");
}

QString perClass(const EvalReport &test)
{
    QString html = QStringLiteral("<section id=\"per-class\"><h2>%1</h2><table class=\"grid\">\n<tr><th>%2</th><th>%3</th>"
                                  "<th>%4</th><th>F1</th><th>%5</th><th>AUC</th><th>AP</th></tr>\n")
                       .arg(QObject::tr("Per-class scores (test)"), QObject::tr("class"), QObject::tr("precision"),
                            QObject::tr("recall"), QObject::tr("support"));
    for (int c = 0; c < test.perClass.size(); ++c) {
        const EvalReport::ClassScores &s = test.perClass.at(c);
        const bool curves = std::size_t(c) < test.curves.perClass.size();
        const double auc = curves ? test.curves.perClass[std::size_t(c)].auc : NAN;
        const double ap = curves ? test.curves.perClass[std::size_t(c)].averagePrecision : NAN;
        html += QStringLiteral("<tr><th>%1</th><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td></tr>\n")
                    .arg(esc(test.labels.value(c)), fixed(s.precision), fixed(s.recall), fixed(s.f1),
                         QString::number(s.support), fixed(auc), fixed(ap));
    }
    return html + QStringLiteral("</table></section>\n");
}

QString confusion(const EvalReport &test)
{
    QString html = QStringLiteral("<section id=\"confusion\"><h2>%1</h2><p class=\"note\">%2</p>"
                                  "<table class=\"grid confusion\">\n<tr><th></th>")
                       .arg(QObject::tr("Confusion matrix (test)"),
                            QObject::tr("Rows: true class; columns: predicted class. Shading: share of the row."));
    for (const QString &label : test.labels)
        html += QStringLiteral("<th>%1</th>").arg(esc(label));
    html += QStringLiteral("</tr>\n");
    for (std::size_t t = 0; t < test.confusion.size(); ++t) {
        const std::vector<int> &cells = test.confusion[t];
        long long total = 0;
        for (int count : cells)
            total += count;
        html += QStringLiteral("<tr><th>%1</th>").arg(esc(test.labels.value(int(t))));
        for (std::size_t p = 0; p < cells.size(); ++p) {
            const double share = total > 0 ? double(cells[p]) / double(total) : 0.0;
            if (cells[p] == 0) {
                html += QStringLiteral("<td class=\"zero\">0</td>");
                continue;
            }
            html += QStringLiteral("<td style=\"background:rgba(48,110,200,%1);color:%2\">%3</td>")
                        .arg(QString::number(0.12 + 0.88 * share, 'f', 3),
                             share > 0.5 ? QStringLiteral("#fff") : QStringLiteral("inherit"), QString::number(cells[p]));
        }
        html += QStringLiteral("</tr>\n");
    }
    return html + QStringLiteral("</table></section>\n");
}

QString probabilities(const EvalReport &test)
{
    const ClassifierCurves &curves = test.curves;
    QString html = QStringLiteral("<section id=\"probabilities\"><h2>%1</h2><p class=\"note\">%2</p><table class=\"kv\">\n")
                       .arg(QObject::tr("Probabilities (test)"),
                            QObject::tr("Beyond the argmax: how the predicted probabilities rank and how well they are "
                                        "calibrated. ROC and precision-recall treat each class against the rest."));
    for (std::size_t k = 0; k < curves.topK.size(); ++k)
        html += row(QObject::tr("Top-%1 accuracy").arg(k + 1), percent(curves.topK[k]), QStringLiteral("top-%1").arg(k + 1));
    html += row(QObject::tr("ROC AUC (macro, one-vs-rest)"), fixed(curves.macroAuc), QStringLiteral("macro-auc"));
    html += row(QObject::tr("Average precision (macro)"), fixed(curves.macroAveragePrecision), QStringLiteral("macro-ap"));
    html += row(QObject::tr("Expected calibration error (%1 bins)").arg(ClassifierCurves::kCalibrationBins),
                percent(curves.expectedCalibrationError), QStringLiteral("ece"));
    html += row(QObject::tr("Largest bin gap"), percent(curves.maxCalibrationError));
    html += QStringLiteral("</table>\n");
    html += curvesImage(test, ClassifierCurvesPlot::Kind::Roc, QObject::tr("ROC curves, each class against the rest"));
    html += curvesImage(test, ClassifierCurvesPlot::Kind::PrecisionRecall, QObject::tr("Precision-recall curves"));
    html += curvesImage(test, ClassifierCurvesPlot::Kind::Calibration, QObject::tr("Reliability diagram"));
    return html + QStringLiteral("</section>\n");
}

QString subsets(const EvalReport &test)
{
    // The task's own score per subset: accuracy, mean R² or mAP.
    const QMap<QString, double> &scores = test.task == TaskKind::Regress    ? test.regression.subsetR2
                                        : test.task == TaskKind::Multilabel ? test.multilabel.subsetMap
                                                                            : test.subsetAccuracy;
    const QString title = test.task == TaskKind::Regress    ? QObject::tr("Mean R² by modality subset (test)")
                        : test.task == TaskKind::Multilabel ? QObject::tr("mAP by modality subset (test)")
                                                            : QObject::tr("Accuracy by modality subset (test)");
    QString html = QStringLiteral("<section id=\"subsets\"><h2>%1</h2><p class=\"note\">%2</p><table class=\"grid\">\n")
                       .arg(title,
                            QObject::tr("The test split with only these modalities present; the others masked out."));
    QStringList names = EvalReport::subsetNames();
    for (const QString &key : scores.keys()) {
        if (!names.contains(key))
            names << key;
    }
    for (const QString &name : names) {
        if (!scores.contains(name))
            continue;
        const double value = scores.value(name);
        html += QStringLiteral("<tr><th>%1</th><td>%2</td><td class=\"bar\"><span style=\"width:%3px\"></span></td></tr>\n")
                    .arg(esc(name), test.task == TaskKind::Classify ? percent(value) : fixed(value, 3),
                         QString::number(std::isfinite(value) ? qRound(qBound(0.0, value, 1.0) * 200) : 0));
    }
    return html + QStringLiteral("</table></section>\n");
}

void flatten(const QString &prefix, const QJsonObject &object, QString *html)
{
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        const QString name = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject())
            flatten(name, it.value().toObject(), html);
        else
            *html += row(name, jsonText(it.value()));
    }
}

QString configuration(const QJsonObject &config)
{
    QString html = QStringLiteral("<section id=\"config\"><h2>%1</h2>\n").arg(QObject::tr("Configuration"));
    const QStringList order = {QStringLiteral("model"), QStringLiteral("train"), QStringLiteral("dataset"),
                               QStringLiteral("preprocess")};
    QStringList sections = order;
    for (const QString &key : config.keys()) {
        if (!sections.contains(key))
            sections << key;
    }
    QString scalars;
    for (const QString &section : sections) {
        const QJsonValue value = config.value(section);
        if (value.isObject()) {
            html += QStringLiteral("<h3>%1</h3><table class=\"kv\">\n").arg(esc(section));
            flatten(QString(), value.toObject(), &html);
            html += QStringLiteral("</table>\n");
        } else if (!value.isUndefined()) {
            scalars += row(section, jsonText(value));
        }
    }
    if (!scalars.isEmpty())
        html += QStringLiteral("<h3>%1</h3><table class=\"kv\">\n%2</table>\n").arg(QObject::tr("run"), scalars);
    return html + QStringLiteral("</section>\n");
}

const char kStyle[] =
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:960px;color:#1d1f23;background:#fff}"
    "h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccd;padding-bottom:.2em}"
    "table{border-collapse:collapse;margin:.5em 0}th,td{padding:.25em .6em;text-align:left}"
    "table.grid td,table.grid th{border:1px solid #ccd}table.grid td{text-align:right}"
    "table.kv th{font-weight:600;padding-right:1.5em}table.kv td{font-family:ui-monospace,monospace}"
    "td.bar span{display:inline-block;height:.8em;background:#306ec8}"
    "td.zero{color:#9aa0aa}.note,.meta{color:#5a5f6a}img{display:block;margin:.5em 0;max-width:100%;height:auto}";

} // namespace

QString runreportexport::html(const RunReportData &run)
{
    const QString name = QFileInfo(run.runDir).fileName();
    QString html = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                                  "<title>%1</title>\n<style>%2</style>\n</head>\n<body>\n")
                       .arg(esc(QObject::tr("FusionScope run report: %1").arg(name)), QLatin1String(kStyle));
    html += QStringLiteral("<h1>%1</h1>\n<p class=\"meta\">%2</p>\n")
                .arg(esc(QObject::tr("Run report: %1").arg(name)),
                     esc(QObject::tr("Run folder %1. Written by FusionScope %2 on %3.")
                             .arg(QDir::toNativeSeparators(run.runDir), QStringLiteral(FUSIONSCOPE_VERSION),
                                  QDateTime::currentDateTime().toString(Qt::ISODate))));
    if (!run.notes.isEmpty()) {
        html += QStringLiteral("<ul class=\"note\">\n");
        for (const QString &note : run.notes)
            html += QStringLiteral("<li>%1</li>\n").arg(esc(note));
        html += QStringLiteral("</ul>\n");
    }
    html += summary(run);
    html += QStringLiteral("<section id=\"curves\"><h2>%1</h2>\n").arg(QObject::tr("Training curves"));
    html += plotImage(run, RunReportPlot::Kind::Loss, QObject::tr("Training and validation loss"));
    html += plotImage(run, RunReportPlot::Kind::Accuracy, QObject::tr("Validation %1").arg(taskScoreName(run.task())));
    html += QStringLiteral("</section>\n");
    if (run.hasTest && run.test.task == TaskKind::Regress) {
        html += perTarget(run.test);
        html += subsets(run.test);
    } else if (run.hasTest && run.test.task == TaskKind::Multilabel) {
        html += perTag(run.test);
        html += subsets(run.test);
    } else if (run.hasTest) {
        html += perClass(run.test);
        html += confusion(run.test);
        if (!run.test.curves.isEmpty())
            html += probabilities(run.test);
        html += subsets(run.test);
    }
    html += configuration(run.config);
    // The raw report.json travels along, so the HTML alone is enough to recompute anything.
    if (!run.report.isEmpty()) {
        QString json = QString::fromUtf8(QJsonDocument(run.report).toJson(QJsonDocument::Compact));
        json.replace(QLatin1String("</"), QLatin1String("<\\/"));
        html += QStringLiteral("<script type=\"application/json\" id=\"report-json\">%1</script>\n").arg(json);
    }
    return html + QStringLiteral("</body>\n</html>\n");
}

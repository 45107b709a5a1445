// A regression task end to end as a user runs it: demo-data --kind position, check-data,
// train (the task inferred from the labels), report.json and meta.json, eval (text, --json,
// --predictions), info, the refusal of explain, and the exported file in Python.
#include "tests/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QJsonObject readJson(const QString &path)
{
    return QJsonDocument::fromJson(readAll(path)).object();
}

} // namespace

class TestRegressionCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void checkDataNamesTheTaskAndTargets();
    void trainingRecordsTaskAndStandardisation();
    void evalScoresEveryTarget();
    void infoShowsTheTaskAndExplainRefusesClearly();
    void pythonGetsTheSameValues();
    void forcedClassifyOnObjectsIsRefusedWithTheReason();

private:
    QTemporaryDir m_dir;
    QString m_data;
    QString m_run;
};

void TestRegressionCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath(QStringLiteral("position"));
    m_run = m_dir.filePath(QStringLiteral("run"));
    const auto made = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--kind"), QStringLiteral("position"),
                                                   QStringLiteral("--samples"), QStringLiteral("120"), QStringLiteral("--out"), m_data});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    QVERIFY(readAll(m_data + QStringLiteral("/README.txt")).contains("--kind position"));
    const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
    testsupport::writeFile(config, R"({"model":{"dim":16,"heads":2},"train":{"batch_size":16,"precision":"fp32"}})");
    const auto trained = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--epochs"), QStringLiteral("2"),
                                                      QStringLiteral("--config"), config, QStringLiteral("--loss"), QStringLiteral("huber"),
                                                      QStringLiteral("--out"), m_run});
    QVERIFY2(trained.exitCode == 0, trained.err.constData());
    QVERIFY2(trained.err.contains("task: regress (inferred: labels are objects of named numbers); huber loss"), trained.err.constData());
    QVERIFY2(trained.out.contains("val mean R²"), trained.out.constData());
    QVERIFY2(trained.out.contains("test: mean R²"), trained.out.constData());
}

void TestRegressionCli::checkDataNamesTheTaskAndTargets()
{
    const auto text = testsupport::runFusionscope({QStringLiteral("check-data"), m_data});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("Task      regress (inferred"), text.out.constData());
    QVERIFY2(text.out.contains("Targets   2"), text.out.constData());
    const auto json = testsupport::runFusionscope({QStringLiteral("check-data"), m_data, QStringLiteral("--json")});
    const QJsonObject summary = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(summary.value(QStringLiteral("task")).toString(), QStringLiteral("regress"));
    const QJsonArray targets = summary.value(QStringLiteral("targets")).toArray();
    QCOMPARE(targets.size(), 2);
    QCOMPARE(targets.at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("x"));
    QCOMPARE(targets.at(0).toObject().value(QStringLiteral("count")).toInt(), 120);
    const double low = targets.at(1).toObject().value(QStringLiteral("min")).toDouble();
    const double high = targets.at(1).toObject().value(QStringLiteral("max")).toDouble();
    QVERIFY2(low > 0.0 && high < 1.0 && low < high, "positions are fractions of the image side");
}

void TestRegressionCli::trainingRecordsTaskAndStandardisation()
{
    // The mean and std recorded are the train split's, computed here from the manifest itself.
    double sum[2] = {0, 0};
    double squares[2] = {0, 0};
    int count = 0;
    for (const QByteArray &line : readAll(m_data + QStringLiteral("/manifest.jsonl")).split('\n')) {
        const QJsonObject row = QJsonDocument::fromJson(line).object();
        if (row.value(QStringLiteral("split")).toString() != QLatin1String("train"))
            continue;
        const QJsonObject label = row.value(QStringLiteral("label")).toObject();
        const double values[2] = {label.value(QStringLiteral("x")).toDouble(), label.value(QStringLiteral("y")).toDouble()};
        for (int k = 0; k < 2; ++k) {
            sum[k] += values[k];
            squares[k] += values[k] * values[k];
        }
        ++count;
    }
    QVERIFY(count > 50);
    const QJsonObject config = readJson(m_run + QStringLiteral("/config.json"));
    // The model knows its outputs are values: its attention readout also maps the weights themselves.
    QCOMPARE(config.value(QStringLiteral("model")).toObject().value(QStringLiteral("value_outputs")).toBool(), true);
    QCOMPARE(config.value(QStringLiteral("model")).toObject().value(QStringLiteral("num_classes")).toInt(), 2);
    const QJsonObject task = config.value(QStringLiteral("task")).toObject();
    QCOMPARE(task.value(QStringLiteral("kind")).toString(), QStringLiteral("regress"));
    QCOMPARE(task.value(QStringLiteral("loss")).toString(), QStringLiteral("huber"));
    for (int k = 0; k < 2; ++k) { // targets are held as float: agreement to float precision
        const double mean = sum[k] / count;
        const double deviation = std::sqrt(squares[k] / count - mean * mean);
        QVERIFY(qAbs(task.value(QStringLiteral("target_mean")).toArray().at(k).toDouble() - mean) < 1e-6);
        QVERIFY(qAbs(task.value(QStringLiteral("target_std")).toArray().at(k).toDouble() - deviation) < 1e-6);
    }
    const QJsonObject report = readJson(m_run + QStringLiteral("/report.json"));
    const QJsonObject test = report.value(QStringLiteral("test")).toObject();
    QCOMPARE(test.value(QStringLiteral("task")).toString(), QStringLiteral("regress"));
    QCOMPARE(test.value(QStringLiteral("targets")).toArray().size(), 2);
    QVERIFY(test.value(QStringLiteral("subset_r2")).toObject().contains(QStringLiteral("text+image+audio")));
    QVERIFY(report.value(QStringLiteral("validation")).toObject().contains(QStringLiteral("r2")));
    // metrics.jsonl: the epoch records carry val_r2, never a val_accuracy that is not one.
    const QByteArray metrics = readAll(m_run + QStringLiteral("/metrics.jsonl"));
    QVERIFY(metrics.contains("\"val_r2\""));
    QVERIFY(!metrics.contains("\"val_accuracy\""));
}

void TestRegressionCli::evalScoresEveryTarget()
{
    const QString predictions = m_dir.filePath(QStringLiteral("predictions.jsonl"));
    const auto json = testsupport::runFusionscope({QStringLiteral("eval"), m_run + QStringLiteral("/model.pt"), m_data,
                                                   QStringLiteral("--json"), QStringLiteral("--precision"), QStringLiteral("fp32"),
                                                   QStringLiteral("--predictions"), predictions});
    QVERIFY2(json.exitCode == 0, json.err.constData());
    const QJsonObject report = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(report.value(QStringLiteral("task")).toString(), QStringLiteral("regress"));
    const QJsonArray targets = report.value(QStringLiteral("targets")).toArray();
    QCOMPARE(targets.size(), 2);
    // The same test split, model and precision as training's own test pass: the same scores.
    const QJsonObject trained = readJson(m_run + QStringLiteral("/report.json")).value(QStringLiteral("test")).toObject();
    for (int k = 0; k < 2; ++k) {
        const QJsonObject here = targets.at(k).toObject();
        const QJsonObject there = trained.value(QStringLiteral("targets")).toArray().at(k).toObject();
        QCOMPARE(here.value(QStringLiteral("name")).toString(), there.value(QStringLiteral("name")).toString());
        QVERIFY(qAbs(here.value(QStringLiteral("mae")).toDouble() - there.value(QStringLiteral("mae")).toDouble()) < 1e-6);
        QVERIFY(here.value(QStringLiteral("rmse")).toDouble() >= here.value(QStringLiteral("mae")).toDouble());
    }
    // --predictions: one line per test sample; MAE recomputed from them matches the report's.
    const QList<QByteArray> lines = readAll(predictions).trimmed().split('\n');
    QCOMPARE(lines.size(), report.value(QStringLiteral("evaluated")).toInt());
    double absolute = 0.0;
    for (const QByteArray &line : lines) {
        const QJsonObject row = QJsonDocument::fromJson(line).object();
        absolute += std::abs(row.value(QStringLiteral("predicted")).toObject().value(QStringLiteral("x")).toDouble()
                             - row.value(QStringLiteral("target")).toObject().value(QStringLiteral("x")).toDouble());
    }
    QVERIFY(qAbs(absolute / lines.size() - targets.at(0).toObject().value(QStringLiteral("mae")).toDouble()) < 1e-5);

    const auto text = testsupport::runFusionscope({QStringLiteral("eval"), m_run + QStringLiteral("/model.pt"), m_data});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QVERIFY2(text.out.contains("regression of x, y"), text.out.constData());
    QVERIFY2(text.out.contains("mean R² with only these modalities present"), text.out.constData());
}

void TestRegressionCli::infoShowsTheTaskAndExplainRefusesClearly()
{
    const QString model = m_run + QStringLiteral("/model.pt");
    const auto info = testsupport::runFusionscope({QStringLiteral("info"), model});
    QCOMPARE(info.exitCode, 0);
    QVERIFY2(info.out.contains("task         regress: x, y (huber loss"), info.out.constData());
    const auto explain = testsupport::runFusionscope({QStringLiteral("explain"), model, m_data, QStringLiteral("--split"),
                                                      QStringLiteral("test"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("x"))});
    QCOMPARE(explain.exitCode, 1);
    QVERIFY2(explain.err.contains("is a regression model (x, y)") && explain.err.contains("fusionscope eval"), explain.err.constData());
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("x"))));
}

void TestRegressionCli::pythonGetsTheSameValues()
{
    const QString model = m_run + QStringLiteral("/model.pt");
    const QString dump = m_dir.filePath(QStringLiteral("batch.pt"));
    const QString predictions = m_dir.filePath(QStringLiteral("dumped.jsonl"));
    const auto dumped = testsupport::runFusionscope({QStringLiteral("eval"), model, m_data, QStringLiteral("--precision"),
                                                     QStringLiteral("fp32"), QStringLiteral("--dump-batch"), dump,
                                                     QStringLiteral("--predictions"), predictions});
    QVERIFY2(dumped.exitCode == 0, dumped.err.constData());
    const QString script = m_dir.filePath(QStringLiteral("peer.py"));
    testsupport::writeFile(script, R"PY(
import json, sys, torch
model_path, dump_path = sys.argv[1], sys.argv[2]
extra = {'fusionscope/meta.json': ''}
model = torch.jit.load(model_path, _extra_files=extra).eval()
task = json.loads(extra['fusionscope/meta.json'])['task']
batch = torch.load(dump_path)
with torch.no_grad():
    out = model(batch['text'], batch['image'], batch['audio'], batch['present'])['logits']
# meta.json says how to scale the outputs: value = output * target_std + target_mean.
values = out * torch.tensor(task['target_std']) + torch.tensor(task['target_mean'])
print(json.dumps({'diff': float((out - batch['logits']).abs().max()), 'targets': task['targets'],
                  'values': values.tolist()}))
)PY");
    QProcess python;
    python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {script, model, dump});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const QJsonObject result = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
    QVERIFY2(result.value(QStringLiteral("diff")).toDouble(1.0) <= 1e-5, qPrintable(QString::number(result.value(QStringLiteral("diff")).toDouble())));
    QCOMPARE(result.value(QStringLiteral("targets")).toArray().size(), 2);
    // Python's scaled values are the app's predictions, sample by sample.
    const QList<QByteArray> lines = readAll(predictions).trimmed().split('\n');
    const QJsonArray values = result.value(QStringLiteral("values")).toArray();
    QVERIFY(!values.isEmpty());
    for (int i = 0; i < values.size(); ++i) {
        const QJsonObject predicted = QJsonDocument::fromJson(lines.at(i)).object().value(QStringLiteral("predicted")).toObject();
        QVERIFY(qAbs(values.at(i).toArray().at(0).toDouble() - predicted.value(QStringLiteral("x")).toDouble()) < 1e-5);
        QVERIFY(qAbs(values.at(i).toArray().at(1).toDouble() - predicted.value(QStringLiteral("y")).toDouble()) < 1e-5);
    }
}

void TestRegressionCli::forcedClassifyOnObjectsIsRefusedWithTheReason()
{
    const auto trained = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--task"), QStringLiteral("classify"),
                                                      QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--out"),
                                                      m_dir.filePath(QStringLiteral("classify"))});
    QCOMPARE(trained.exitCode, 1);
    QVERIFY2(trained.err.contains("is an object of numbers"), trained.err.constData());
    QVERIFY2(trained.err.contains("has 0 class(es)"), trained.err.constData());
    const auto bad = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--task"), QStringLiteral("ranking")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("task"), bad.err.constData());
}

QTEST_GUILESS_MAIN(TestRegressionCli)
#include "test_regression_cli.moc"

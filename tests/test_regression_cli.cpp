// A regression task end to end as a user runs it: demo-data --kind position, check-data,
// train (the task inferred from the labels), report.json and meta.json, eval (text, --json,
// --predictions), info, explain (the predicted value decomposed over the modalities; the
// split's R² per subset and under corruption), and the exported file in Python.
#include "tests/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
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
    void infoShowsTheTask();
    void explainDecomposesThePredictedValue();
    void pythonGetsTheSameValues();
    void forcedClassifyOnObjectsIsRefusedWithTheReason();
    void trainingOnChosenTargetsLearnsOnlyThose();

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

void TestRegressionCli::infoShowsTheTask()
{
    const auto info = testsupport::runFusionscope({QStringLiteral("info"), m_run + QStringLiteral("/model.pt")});
    QCOMPARE(info.exitCode, 0);
    QVERIFY2(info.out.contains("task         regress: x, y (huber loss"), info.out.constData());
}

void TestRegressionCli::explainDecomposesThePredictedValue()
{
    const QString model = m_run + QStringLiteral("/model.pt");
    const QString predictions = m_dir.filePath(QStringLiteral("explain-predictions.jsonl"));
    const auto eval = testsupport::runFusionscope({QStringLiteral("eval"), model, m_data, QStringLiteral("--json"),
                                                   QStringLiteral("--precision"), QStringLiteral("fp32"),
                                                   QStringLiteral("--predictions"), predictions});
    QVERIFY2(eval.exitCode == 0, eval.err.constData());
    const QJsonObject evaluated = QJsonDocument::fromJson(eval.out).object();
    QHash<QString, QJsonObject> predictedById;
    for (const QByteArray &line : readAll(predictions).trimmed().split('\n')) {
        const QJsonObject row = QJsonDocument::fromJson(line).object();
        predictedById.insert(row.value(QStringLiteral("id")).toString(), row.value(QStringLiteral("predicted")).toObject());
    }

    const auto run = testsupport::runFusionscope({QStringLiteral("explain"), model, m_data, QStringLiteral("--split"),
                                                  QStringLiteral("test"), QStringLiteral("--precision"), QStringLiteral("fp32"),
                                                  QStringLiteral("--overlays"), QStringLiteral("2"), QStringLiteral("--severities"),
                                                  QStringLiteral("2"), QStringLiteral("--json"), QStringLiteral("--out"),
                                                  m_dir.filePath(QStringLiteral("explained"))});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject document = QJsonDocument::fromJson(run.out).object();
    const QJsonObject split = document.value(QStringLiteral("split")).toObject();
    QCOMPARE(split.value(QStringLiteral("task")).toString(), QStringLiteral("regress"));
    QCOMPARE(split.value(QStringLiteral("score_name")).toString(), QStringLiteral("mean R²"));
    // The split's R² with every modality is eval's, and so is each target's MAE.
    QVERIFY(qAbs(split.value(QStringLiteral("r2")).toDouble() - evaluated.value(QStringLiteral("mean_r2")).toDouble()) < 1e-5);
    const QJsonArray targets = split.value(QStringLiteral("regression")).toObject().value(QStringLiteral("targets")).toArray();
    QCOMPARE(targets.size(), 2);
    for (int k = 0; k < 2; ++k)
        QVERIFY(qAbs(targets.at(k).toObject().value(QStringLiteral("mae")).toDouble()
                     - evaluated.value(QStringLiteral("targets")).toArray().at(k).toObject().value(QStringLiteral("mae")).toDouble()) < 1e-5);
    const QJsonObject subsets = split.value(QStringLiteral("subset_r2")).toObject();
    QCOMPARE(subsets.size(), 7);
    QVERIFY(qAbs(subsets.value(QStringLiteral("text+image+audio")).toDouble() - split.value(QStringLiteral("r2")).toDouble()) < 1e-9);
    QVERIFY(!split.contains(QStringLiteral("confusion")));
    const QJsonObject shapley = split.value(QStringLiteral("shapley")).toObject();
    QVERIFY(shapley.value(QStringLiteral("max_efficiency_error")).toDouble() < 1e-4);
    QCOMPARE(shapley.value(QStringLiteral("per_output_mean_abs")).toObject().keys(), (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
    const QJsonObject robustness = split.value(QStringLiteral("robustness")).toObject();
    QVERIFY(qAbs(robustness.value(QStringLiteral("clean_r2")).toDouble() - split.value(QStringLiteral("r2")).toDouble()) < 1e-9);
    QVERIFY(robustness.value(QStringLiteral("curves")).toArray().at(0).toObject().contains(QStringLiteral("r2")));

    // One sample: the predicted values are eval's; the game is the first target's value; Σφ = f(all) − f(none).
    const QJsonObject sample = document.value(QStringLiteral("samples")).toArray().at(0).toObject();
    const QJsonObject prediction = sample.value(QStringLiteral("prediction")).toObject();
    QCOMPARE(prediction.value(QStringLiteral("target")).toString(), QStringLiteral("x"));
    const QJsonObject expected = predictedById.value(sample.value(QStringLiteral("id")).toString());
    for (const QString &target : {QStringLiteral("x"), QStringLiteral("y")})
        QVERIFY(qAbs(prediction.value(QStringLiteral("values")).toObject().value(target).toDouble() - expected.value(target).toDouble()) < 1e-4);
    QVERIFY(prediction.value(QStringLiteral("truth")).isObject());
    const QJsonObject contribution = sample.value(QStringLiteral("contributions")).toObject();
    QVERIFY(qAbs(contribution.value(QStringLiteral("f_all")).toDouble() - expected.value(QStringLiteral("x")).toDouble()) < 1e-4);
    QVERIFY(qAbs(contribution.value(QStringLiteral("prediction")).toDouble() - contribution.value(QStringLiteral("f_all")).toDouble()) < 1e-9);
    QVERIFY(contribution.value(QStringLiteral("efficiency_error")).toDouble() < 1e-6);
    QVERIFY(contribution.value(QStringLiteral("value")).toString().contains(QLatin1String("predicted value")));
    QCOMPARE(sample.value(QStringLiteral("output_shapley")).toObject().size(), 2);

    // --output y explains the other target; an unknown one is a usage error naming those there are.
    const QString id = sample.value(QStringLiteral("id")).toString();
    const auto second = testsupport::runFusionscope({QStringLiteral("explain"), model, m_data, QStringLiteral("--sample"), id,
                                                     QStringLiteral("--output"), QStringLiteral("y"), QStringLiteral("--json"),
                                                     QStringLiteral("--out"), m_dir.filePath(QStringLiteral("explained-y"))});
    QVERIFY2(second.exitCode == 0, second.err.constData());
    const QJsonObject y = QJsonDocument::fromJson(second.out).object().value(QStringLiteral("samples")).toArray().at(0).toObject();
    QCOMPARE(y.value(QStringLiteral("prediction")).toObject().value(QStringLiteral("target")).toString(), QStringLiteral("y"));
    QVERIFY(qAbs(y.value(QStringLiteral("contributions")).toObject().value(QStringLiteral("f_all")).toDouble() - expected.value(QStringLiteral("y")).toDouble()) < 1e-4);
    const auto unknown = testsupport::runFusionscope({QStringLiteral("explain"), model, m_data, QStringLiteral("--sample"), id,
                                                      QStringLiteral("--output"), QStringLiteral("z"), QStringLiteral("--out"),
                                                      m_dir.filePath(QStringLiteral("never"))});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains("has no target \"z\"; it has x, y"), unknown.err.constData());
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("never"))));
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

void TestRegressionCli::trainingOnChosenTargetsLearnsOnlyThose()
{
    // train --targets y: one output, standardised on y's own train values, recorded for resume.
    const QString run = m_dir.filePath(QStringLiteral("only-y"));
    const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
    const auto trained = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--epochs"), QStringLiteral("1"),
                                                      QStringLiteral("--config"), config, QStringLiteral("--targets"), QStringLiteral("y"),
                                                      QStringLiteral("--out"), run});
    QVERIFY2(trained.exitCode == 0, trained.err.constData());
    QVERIFY2(trained.err.contains("learning y of the dataset's targets x, y"), trained.err.constData());
    QVERIFY2(trained.err.contains("standardised targets (y "), trained.err.constData());
    const QJsonObject recorded = readJson(run + QStringLiteral("/config.json"));
    QCOMPARE(recorded.value(QStringLiteral("model")).toObject().value(QStringLiteral("num_classes")).toInt(), 1);
    QCOMPARE(recorded.value(QStringLiteral("train")).toObject().value(QStringLiteral("targets")).toArray(), QJsonArray{QStringLiteral("y")});
    const QJsonObject task = recorded.value(QStringLiteral("task")).toObject();
    QCOMPARE(task.value(QStringLiteral("targets")).toArray(), QJsonArray{QStringLiteral("y")});
    // y's mean is the same as the two-target run's y mean: the same train samples, only x dropped.
    const QJsonObject both = readJson(m_run + QStringLiteral("/config.json")).value(QStringLiteral("task")).toObject();
    QVERIFY(qAbs(task.value(QStringLiteral("target_mean")).toArray().at(0).toDouble()
                 - both.value(QStringLiteral("target_mean")).toArray().at(1).toDouble()) < 1e-9);
    const QJsonArray tested = readJson(run + QStringLiteral("/report.json")).value(QStringLiteral("test")).toObject()
                                  .value(QStringLiteral("targets")).toArray();
    QCOMPARE(tested.size(), 1);
    QCOMPARE(tested.at(0).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("y"));

    // The dataset still has x: eval scores the model's one target and says so.
    const auto eval = testsupport::runFusionscope({QStringLiteral("eval"), run + QStringLiteral("/model.pt"), m_data});
    QVERIFY2(eval.exitCode == 0, eval.err.constData());
    QVERIFY2(eval.out.contains("regression of y"), eval.out.constData());

    // The choice is the run's: a resume cannot change it.
    const auto changed = testsupport::runFusionscope({QStringLiteral("train"), QStringLiteral("--resume"), run,
                                                      QStringLiteral("--targets"), QStringLiteral("x")});
    QCOMPARE(changed.exitCode, 2);
    QVERIFY2(changed.err.contains("--targets cannot change it"), changed.err.constData());

    // A target the dataset lacks is named with those it has, before a run folder exists.
    const QString missing = m_dir.filePath(QStringLiteral("only-z"));
    const auto unknown = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--config"), config,
                                                      QStringLiteral("--targets"), QStringLiteral("y,z"), QStringLiteral("--out"), missing});
    QCOMPARE(unknown.exitCode, 1);
    QVERIFY2(unknown.err.contains("has no target \"z\" (it has x, y)"), unknown.err.constData());
    QVERIFY(!QFileInfo::exists(missing + QStringLiteral("/config.json")));
    const auto empty = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--targets"), QStringLiteral("y,")});
    QCOMPARE(empty.exitCode, 2);
    QVERIFY2(empty.err.contains("targets must not name an empty target"), empty.err.constData());
}

QTEST_GUILESS_MAIN(TestRegressionCli)
#include "test_regression_cli.moc"

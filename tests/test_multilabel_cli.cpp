// A multi-label task end to end as a user runs it: demo-data --kind matches, check-data,
// train (the task inferred from tag lists, balanced positive weights, thresholds tuned on
// val), report.json and meta.json, eval (text, --json, --predictions, an unseen tag), info,
// explain (each tag's logit decomposed over the modalities; the split's mAP per subset and
// per tag), and the exported file in Python.
#include "tests/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>
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

QList<QJsonObject> jsonLines(const QString &path)
{
    QList<QJsonObject> rows;
    for (const QByteArray &line : readAll(path).split('\n')) {
        if (!line.trimmed().isEmpty())
            rows << QJsonDocument::fromJson(line).object();
    }
    return rows;
}

/** scikit-learn's average precision, written out independently: Σ (R_n − R_{n−1}) P_n over distinct scores. */
double averagePrecision(std::vector<std::pair<double, bool>> scored)
{
    std::sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    const double positives = double(std::count_if(scored.begin(), scored.end(), [](const auto &s) { return s.second; }));
    double tp = 0.0;
    double seen = 0.0;
    double previousRecall = 0.0;
    double ap = 0.0;
    for (std::size_t i = 0; i < scored.size(); ++i) {
        tp += scored[i].second ? 1.0 : 0.0;
        seen += 1.0;
        if (i + 1 < scored.size() && scored[i + 1].first == scored[i].first)
            continue;
        ap += (tp / positives - previousRecall) * (tp / seen);
        previousRecall = tp / positives;
    }
    return ap;
}

} // namespace

class TestMultilabelCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void checkDataCountsEveryTag();
    void trainingRecordsTagsWeightsAndThresholds();
    void evalScoresEveryTagFromItsPredictions();
    void anUnseenTagAtEvaluationIsNamed();
    void infoShowsTheThresholds();
    void explainDecomposesEachTagsLogit();
    void pythonGetsTheSameProbabilitiesAndTags();
    void trainingOnChosenTagsLearnsOnlyThose();

private:
    QTemporaryDir m_dir;
    QString m_data;
    QString m_run;
};

void TestMultilabelCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath(QStringLiteral("matches"));
    m_run = m_dir.filePath(QStringLiteral("run"));
    const auto made = testsupport::runFusionscope({QStringLiteral("demo-data"), QStringLiteral("--kind"), QStringLiteral("matches"),
                                                   QStringLiteral("--samples"), QStringLiteral("160"), QStringLiteral("--out"), m_data});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    QVERIFY(readAll(m_data + QStringLiteral("/README.txt")).contains("--kind matches (multi-label)"));
    const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
    testsupport::writeFile(config, R"({"model":{"dim":16,"heads":2},"train":{"batch_size":16,"precision":"fp32","class_weights":"balanced"}})");
    const auto trained = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--epochs"), QStringLiteral("2"),
                                                      QStringLiteral("--config"), config, QStringLiteral("--out"), m_run});
    QVERIFY2(trained.exitCode == 0, trained.err.constData());
    QVERIFY2(trained.err.contains("task: multilabel (inferred: labels are lists of tags); 9 tags, binary cross-entropy per tag "
                                  "with balanced positive weights"), trained.err.constData());
    QVERIFY2(trained.err.contains("thresholds tuned on validation"), trained.err.constData());
    QVERIFY2(trained.out.contains("val mAP"), trained.out.constData());
    QVERIFY2(trained.out.contains("test: mAP"), trained.out.constData());
}

void TestMultilabelCli::checkDataCountsEveryTag()
{
    // Every demo label is three cells: count them per split from the manifest itself.
    QMap<QString, int> trainCounts;
    for (const QJsonObject &row : jsonLines(m_data + QStringLiteral("/manifest.jsonl"))) {
        const QJsonArray cells = row.value(QStringLiteral("label")).toArray();
        QCOMPARE(cells.size(), 3);
        if (row.value(QStringLiteral("split")).toString() == QLatin1String("train"))
            for (const QJsonValue &cell : cells)
                ++trainCounts[cell.toString()];
    }
    const auto text = testsupport::runFusionscope({QStringLiteral("check-data"), m_data});
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("Task      multilabel (inferred: labels are lists of tags)"), text.out.constData());
    QVERIFY2(text.out.contains("Tags      9"), text.out.constData());
    const auto json = testsupport::runFusionscope({QStringLiteral("check-data"), m_data, QStringLiteral("--json")});
    const QJsonObject summary = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(summary.value(QStringLiteral("task")).toString(), QStringLiteral("multilabel"));
    const QJsonObject classes = summary.value(QStringLiteral("classes")).toObject();
    QCOMPARE(classes.size(), 9);
    for (auto it = trainCounts.constBegin(); it != trainCounts.constEnd(); ++it)
        QCOMPARE(classes.value(it.key()).toObject().value(QStringLiteral("train")).toInt(), it.value());
}

void TestMultilabelCli::trainingRecordsTagsWeightsAndThresholds()
{
    const QJsonObject report = readJson(m_run + QStringLiteral("/report.json"));
    const QJsonObject task = report.value(QStringLiteral("task")).toObject();
    QCOMPARE(task.value(QStringLiteral("kind")).toString(), QStringLiteral("multilabel"));
    QCOMPARE(task.value(QStringLiteral("loss")).toString(), QStringLiteral("bce"));
    const QJsonArray tags = task.value(QStringLiteral("tags")).toArray();
    QCOMPARE(tags.size(), 9);
    QCOMPARE(tags.at(0).toString(), QStringLiteral("cell_0"));
    // pos_weight = negatives / positives on the train split, from the manifest.
    int trainSamples = 0;
    QMap<QString, int> positives;
    for (const QJsonObject &row : jsonLines(m_data + QStringLiteral("/manifest.jsonl"))) {
        if (row.value(QStringLiteral("split")).toString() != QLatin1String("train"))
            continue;
        ++trainSamples;
        for (const QJsonValue &cell : row.value(QStringLiteral("label")).toArray())
            ++positives[cell.toString()];
    }
    const QJsonArray weights = task.value(QStringLiteral("pos_weight")).toArray();
    QCOMPARE(weights.size(), 9);
    for (int k = 0; k < 9; ++k) {
        const double count = positives.value(tags.at(k).toString());
        QVERIFY(qAbs(weights.at(k).toDouble() - (trainSamples - count) / count) < 1e-9);
        const double threshold = task.value(QStringLiteral("thresholds")).toArray().at(k).toDouble();
        QVERIFY2(threshold > 0.0 && threshold < 1.0, "a tuned threshold is a probability");
    }
    const QJsonObject test = report.value(QStringLiteral("test")).toObject();
    QCOMPARE(test.value(QStringLiteral("task")).toString(), QStringLiteral("multilabel"));
    QCOMPARE(test.value(QStringLiteral("tags")).toArray().size(), 9);
    QVERIFY(test.value(QStringLiteral("subset_map")).toObject().contains(QStringLiteral("text+image+audio")));
    QVERIFY(report.value(QStringLiteral("validation")).toObject().contains(QStringLiteral("map")));
    const QByteArray metrics = readAll(m_run + QStringLiteral("/metrics.jsonl"));
    QVERIFY(metrics.contains("\"val_map\""));
    QVERIFY(!metrics.contains("\"val_accuracy\""));
    const QJsonObject config = readJson(m_run + QStringLiteral("/config.json"));
    QCOMPARE(config.value(QStringLiteral("model")).toObject().value(QStringLiteral("num_classes")).toInt(), 9);
}

void TestMultilabelCli::evalScoresEveryTagFromItsPredictions()
{
    const QString model = m_run + QStringLiteral("/model.pt");
    const QString predictions = m_dir.filePath(QStringLiteral("predictions.jsonl"));
    const auto json = testsupport::runFusionscope({QStringLiteral("eval"), model, m_data, QStringLiteral("--json"),
                                                   QStringLiteral("--precision"), QStringLiteral("fp32"),
                                                   QStringLiteral("--predictions"), predictions});
    QVERIFY2(json.exitCode == 0, json.err.constData());
    const QJsonObject report = QJsonDocument::fromJson(json.out).object();
    QCOMPARE(report.value(QStringLiteral("task")).toString(), QStringLiteral("multilabel"));
    // The same split, model and precision as training's own test pass: the same mAP.
    const QJsonObject trained = readJson(m_run + QStringLiteral("/report.json")).value(QStringLiteral("test")).toObject();
    QVERIFY(qAbs(report.value(QStringLiteral("map")).toDouble() - trained.value(QStringLiteral("map")).toDouble()) < 1e-6);

    // Recompute every tag's counts and AP from the predictions file and the recorded thresholds.
    const QList<QJsonObject> rows = jsonLines(predictions);
    QCOMPARE(rows.size(), report.value(QStringLiteral("evaluated")).toInt());
    const QJsonArray tags = report.value(QStringLiteral("tags")).toArray();
    double apSum = 0.0;
    int pooledTp = 0;
    int pooledPredicted = 0;
    for (const QJsonValue &value : tags) {
        const QJsonObject tag = value.toObject();
        const QString name = tag.value(QStringLiteral("name")).toString();
        const double threshold = tag.value(QStringLiteral("threshold")).toDouble();
        std::vector<std::pair<double, bool>> scored;
        int tp = 0;
        int fp = 0;
        for (const QJsonObject &row : rows) {
            const double p = row.value(QStringLiteral("probabilities")).toObject().value(name).toDouble();
            const bool truth = row.value(QStringLiteral("tags")).toArray().contains(name);
            const bool predicted = row.value(QStringLiteral("predicted")).toArray().contains(name);
            QCOMPARE(predicted, p >= threshold);
            tp += predicted && truth ? 1 : 0;
            fp += predicted && !truth ? 1 : 0;
            scored.emplace_back(p, truth);
        }
        QCOMPARE(tag.value(QStringLiteral("true_positives")).toInt(), tp);
        QCOMPARE(tag.value(QStringLiteral("false_positives")).toInt(), fp);
        const double ap = averagePrecision(scored);
        QVERIFY2(qAbs(tag.value(QStringLiteral("average_precision")).toDouble() - ap) < 1e-6, qPrintable(name));
        apSum += ap;
        pooledTp += tp;
        pooledPredicted += tp + fp;
    }
    QVERIFY(qAbs(report.value(QStringLiteral("map")).toDouble() - apSum / tags.size()) < 1e-6);
    QVERIFY(qAbs(report.value(QStringLiteral("micro_precision")).toDouble() - double(pooledTp) / pooledPredicted) < 1e-9);

    const auto text = testsupport::runFusionscope({QStringLiteral("eval"), model, m_data});
    QVERIFY2(text.exitCode == 0, text.err.constData());
    QVERIFY2(text.out.contains("attention, 9 tags"), text.out.constData());
    QVERIFY2(text.out.contains("mAP with only these modalities present"), text.out.constData());
    QVERIFY2(text.out.contains("threshold precision"), text.out.constData());
}

void TestMultilabelCli::anUnseenTagAtEvaluationIsNamed()
{
    // A copy of the manifest in which the third sample also carries a tag the model never saw.
    QList<QByteArray> lines = readAll(m_data + QStringLiteral("/manifest.jsonl")).split('\n');
    QJsonObject third = QJsonDocument::fromJson(lines[2]).object();
    QJsonArray label = third.value(QStringLiteral("label")).toArray();
    label.append(QStringLiteral("cell_9"));
    third.insert(QStringLiteral("label"), label);
    third.insert(QStringLiteral("split"), QStringLiteral("test"));
    lines[2] = QJsonDocument(third).toJson(QJsonDocument::Compact);
    const QString manifest = m_data + QStringLiteral("/unseen.jsonl");
    testsupport::writeFile(manifest, lines.join('\n'));
    const auto run = testsupport::runFusionscope({QStringLiteral("eval"), m_run + QStringLiteral("/model.pt"), manifest,
                                                  QStringLiteral("--no-subsets"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QString expected = QStringLiteral("unseen.jsonl:3 [%1]: label: tag \"cell_9\" not among")
                                 .arg(third.value(QStringLiteral("id")).toString());
    QVERIFY2(QString::fromUtf8(run.err).contains(expected), run.err.constData());
    QCOMPARE(QJsonDocument::fromJson(run.out).object().value(QStringLiteral("data_issues")).toInt(), 1);
}

void TestMultilabelCli::infoShowsTheThresholds()
{
    const auto info = testsupport::runFusionscope({QStringLiteral("info"), m_run + QStringLiteral("/model.pt")});
    QCOMPARE(info.exitCode, 0);
    QVERIFY2(info.out.contains("task         multilabel: 9 tags (bce, positive weights"), info.out.constData());
    QVERIFY2(info.out.contains("cell_0     threshold 0."), info.out.constData());
}

void TestMultilabelCli::explainDecomposesEachTagsLogit()
{
    const QString model = m_run + QStringLiteral("/model.pt");
    const QString predictions = m_dir.filePath(QStringLiteral("explain-predictions.jsonl"));
    const auto eval = testsupport::runFusionscope({QStringLiteral("eval"), model, m_data, QStringLiteral("--json"),
                                                   QStringLiteral("--precision"), QStringLiteral("fp32"),
                                                   QStringLiteral("--predictions"), predictions});
    QVERIFY2(eval.exitCode == 0, eval.err.constData());
    const QJsonObject evaluated = QJsonDocument::fromJson(eval.out).object();
    QHash<QString, QJsonObject> rowById;
    for (const QJsonObject &row : jsonLines(predictions))
        rowById.insert(row.value(QStringLiteral("id")).toString(), row);

    const auto run = testsupport::runFusionscope({QStringLiteral("explain"), model, m_data, QStringLiteral("--split"),
                                                  QStringLiteral("test"), QStringLiteral("--precision"), QStringLiteral("fp32"),
                                                  QStringLiteral("--overlays"), QStringLiteral("2"), QStringLiteral("--no-robustness"),
                                                  QStringLiteral("--json"), QStringLiteral("--out"), m_dir.filePath(QStringLiteral("explained"))});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject document = QJsonDocument::fromJson(run.out).object();
    const QJsonObject split = document.value(QStringLiteral("split")).toObject();
    QCOMPARE(split.value(QStringLiteral("task")).toString(), QStringLiteral("multilabel"));
    QVERIFY(qAbs(split.value(QStringLiteral("map")).toDouble() - evaluated.value(QStringLiteral("map")).toDouble()) < 1e-5);
    const QJsonObject tags = split.value(QStringLiteral("multilabel")).toObject();
    QCOMPARE(tags.value(QStringLiteral("tags")).toArray().size(), 9);
    QVERIFY(qAbs(tags.value(QStringLiteral("micro_f1")).toDouble() - evaluated.value(QStringLiteral("micro_f1")).toDouble()) < 1e-5);
    QCOMPARE(split.value(QStringLiteral("subset_map")).toObject().size(), 7);
    const QJsonObject shapley = split.value(QStringLiteral("shapley")).toObject();
    QCOMPARE(shapley.value(QStringLiteral("per_output_mean_abs")).toObject().size(), 9);
    QVERIFY(shapley.value(QStringLiteral("max_efficiency_error")).toDouble() < 1e-4);

    // One sample: eval's probabilities; the game is the most probable tag's logit; the tags over their thresholds.
    const QJsonObject sample = document.value(QStringLiteral("samples")).toArray().at(0).toObject();
    const QJsonObject expected = rowById.value(sample.value(QStringLiteral("id")).toString());
    const QJsonObject prediction = sample.value(QStringLiteral("prediction")).toObject();
    const QJsonObject probabilities = prediction.value(QStringLiteral("probabilities")).toObject();
    QCOMPARE(probabilities.size(), 9);
    QString mostProbable;
    for (const QString &tag : probabilities.keys()) {
        QVERIFY(qAbs(probabilities.value(tag).toDouble() - expected.value(QStringLiteral("probabilities")).toObject().value(tag).toDouble()) < 1e-5);
        if (mostProbable.isEmpty() || probabilities.value(tag).toDouble() > probabilities.value(mostProbable).toDouble())
            mostProbable = tag;
    }
    QCOMPARE(prediction.value(QStringLiteral("explained_tag")).toString(), mostProbable);
    QCOMPARE(prediction.value(QStringLiteral("tags")).toArray(), expected.value(QStringLiteral("predicted")).toArray());
    QCOMPARE(prediction.value(QStringLiteral("true_tags")).toArray(), expected.value(QStringLiteral("tags")).toArray());
    const QJsonObject contribution = sample.value(QStringLiteral("contributions")).toObject();
    const double logit = contribution.value(QStringLiteral("f_all")).toDouble();
    QVERIFY(qAbs(1.0 / (1.0 + std::exp(-logit)) - probabilities.value(mostProbable).toDouble()) < 1e-5);
    QVERIFY(qAbs(contribution.value(QStringLiteral("probability")).toDouble() - probabilities.value(mostProbable).toDouble()) < 1e-5);
    QVERIFY(contribution.value(QStringLiteral("efficiency_error")).toDouble() < 1e-6);
    const QJsonObject perTag = sample.value(QStringLiteral("output_shapley")).toObject();
    QCOMPARE(perTag.size(), 9);
    const QJsonObject own = perTag.value(mostProbable).toObject();
    const QJsonObject phi = contribution.value(QStringLiteral("shapley")).toObject();
    for (const QString &modality : {QStringLiteral("text"), QStringLiteral("image"), QStringLiteral("audio")})
        QVERIFY(qAbs(own.value(modality).toDouble() - phi.value(modality).toDouble()) < 1e-9);

    // --output names the tag to explain.
    const auto chosen = testsupport::runFusionscope({QStringLiteral("explain"), model, m_data, QStringLiteral("--sample"),
                                                     sample.value(QStringLiteral("id")).toString(), QStringLiteral("--output"),
                                                     QStringLiteral("cell_0"), QStringLiteral("--json"), QStringLiteral("--out"),
                                                     m_dir.filePath(QStringLiteral("explained-0"))});
    QVERIFY2(chosen.exitCode == 0, chosen.err.constData());
    const QJsonObject first = QJsonDocument::fromJson(chosen.out).object().value(QStringLiteral("samples")).toArray().at(0).toObject();
    QCOMPARE(first.value(QStringLiteral("prediction")).toObject().value(QStringLiteral("explained_tag")).toString(), QStringLiteral("cell_0"));
}

void TestMultilabelCli::pythonGetsTheSameProbabilitiesAndTags()
{
    const QString model = m_run + QStringLiteral("/model.pt");
    const QString dump = m_dir.filePath(QStringLiteral("batch.pt"));
    const QString predictions = m_dir.filePath(QStringLiteral("dumped.jsonl"));
    const auto dumped = testsupport::runFusionscope({QStringLiteral("eval"), model, m_data, QStringLiteral("--precision"),
                                                     QStringLiteral("fp32"), QStringLiteral("--dump-batch"), dump,
                                                     QStringLiteral("--predictions"), predictions, QStringLiteral("--no-subsets")});
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
# meta.json says how to read the outputs: probability = sigmoid(output), a tag when it reaches its threshold.
probabilities = torch.sigmoid(out)
predicted = [[t for t, p, h in zip(task['tags'], row, task['thresholds']) if p >= h] for row in probabilities.tolist()]
print(json.dumps({'diff': float((out - batch['logits']).abs().max()), 'probabilities': probabilities.tolist(),
                  'predicted': predicted, 'tags': task['tags']}))
)PY");
    QProcess python;
    python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON), {script, model, dump});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    const QJsonObject result = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
    QVERIFY2(result.value(QStringLiteral("diff")).toDouble(1.0) <= 1e-5, qPrintable(QString::number(result.value(QStringLiteral("diff")).toDouble())));
    const QJsonArray tags = result.value(QStringLiteral("tags")).toArray();
    QCOMPARE(tags.size(), 9);
    const QList<QJsonObject> rows = jsonLines(predictions);
    const QJsonArray probabilities = result.value(QStringLiteral("probabilities")).toArray();
    QVERIFY(!probabilities.isEmpty());
    for (int i = 0; i < probabilities.size(); ++i) {
        const QJsonObject ours = rows.at(i).value(QStringLiteral("probabilities")).toObject();
        for (int k = 0; k < tags.size(); ++k)
            QVERIFY(qAbs(probabilities.at(i).toArray().at(k).toDouble() - ours.value(tags.at(k).toString()).toDouble()) < 1e-5);
        QCOMPARE(result.value(QStringLiteral("predicted")).toArray().at(i).toArray(), rows.at(i).value(QStringLiteral("predicted")).toArray());
    }
}

void TestMultilabelCli::trainingOnChosenTagsLearnsOnlyThose()
{
    // train --targets cell_4,cell_0: two logits in the dataset's tag order, two thresholds; a
    // sample with neither tag is a negative for both, so every labelled sample still trains.
    const QString run = m_dir.filePath(QStringLiteral("two-tags"));
    const QString config = m_dir.filePath(QStringLiteral("tiny.json"));
    const auto trained = testsupport::runFusionscope({QStringLiteral("train"), m_data, QStringLiteral("--epochs"), QStringLiteral("1"),
                                                      QStringLiteral("--config"), config, QStringLiteral("--targets"),
                                                      QStringLiteral("cell_4,cell_0"), QStringLiteral("--out"), run});
    QVERIFY2(trained.exitCode == 0, trained.err.constData());
    QVERIFY2(trained.err.contains("learning cell_0, cell_4 of the dataset's tags cell_0, cell_1"), trained.err.constData());
    QVERIFY2(trained.err.contains("2 tags, binary cross-entropy"), trained.err.constData());
    const QJsonObject task = readJson(run + QStringLiteral("/config.json")).value(QStringLiteral("task")).toObject();
    QCOMPARE(task.value(QStringLiteral("tags")).toArray(), (QJsonArray{QStringLiteral("cell_0"), QStringLiteral("cell_4")}));
    QCOMPARE(task.value(QStringLiteral("thresholds")).toArray().size(), 2);

    // eval on the full dataset: the seven other tags are left out on purpose, not reported as unseen.
    const auto eval = testsupport::runFusionscope({QStringLiteral("eval"), run + QStringLiteral("/model.pt"), m_data,
                                                   QStringLiteral("--no-subsets"), QStringLiteral("--json")});
    QVERIFY2(eval.exitCode == 0, eval.err.constData());
    QVERIFY2(!eval.err.contains("does not know"), eval.err.constData());
    const QJsonObject report = QJsonDocument::fromJson(eval.out).object();
    QCOMPARE(report.value(QStringLiteral("tags")).toArray().size(), 2);
    int testSamples = 0;
    for (const QJsonObject &row : jsonLines(m_data + QStringLiteral("/manifest.jsonl")))
        testSamples += row.value(QStringLiteral("split")).toString() == QLatin1String("test") ? 1 : 0;
    QCOMPARE(report.value(QStringLiteral("evaluated")).toInt(), testSamples);
}

QTEST_GUILESS_MAIN(TestMultilabelCli)
#include "test_multilabel_cli.moc"

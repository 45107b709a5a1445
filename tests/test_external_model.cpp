// A model written elsewhere, end to end: docs/examples/external_model.py (the file the docs
// show) run with the Python peer, then `fusionscope info`, `eval` and `explain` on its output.
// Its meta.json is partial (labels + token layout, no preprocess) and it has no tokenizer: the
// commands must accept it, say which fields they assumed and announce the tokenizer fallback.
#include "core/eval/modelfileinfo.h"
#include "tests/datasetfixture.h"
#include "tests/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

class TestExternalModel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void infoListsAssumedFields();
    void modelTabCardSeesAssumedFields();
    void evalRunsAndAnnouncesTheTokenizerFallback();
    void explainGivesAttentionMaps();

private:
    QTemporaryDir m_dir;
    QString m_data;
    QString m_model;
};

void TestExternalModel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath(QStringLiteral("data"));
    datasetfixture::write(m_data);
    m_model = m_dir.filePath(QStringLiteral("external.pt"));
    const QString example = QStringLiteral(FUSIONSCOPE_SOURCE_DIR "/docs/examples/external_model.py");
    QVERIFY2(QFile::exists(example), qPrintable(example));
    QProcess python;
    python.start(QStringLiteral(FUSIONSCOPE_PEER_PYTHON),
                 {example, QStringLiteral("--manifest"), m_data + QStringLiteral("/manifest.jsonl"), QStringLiteral("--out"), m_model});
    QVERIFY(python.waitForFinished(120000));
    QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0, python.readAllStandardError().constData());
    QVERIFY(QFile::exists(m_model));
}

void TestExternalModel::infoListsAssumedFields()
{
    auto run = testsupport::runFusionscope({QStringLiteral("info"), m_model});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("assumed      preprocess"), run.out.constData());
    QVERIFY2(run.out.contains("tokenizer    none in the file"), run.out.constData());
    QVERIFY2(run.out.contains("labels (2)   a, b"), run.out.constData());

    run = testsupport::runFusionscope({QStringLiteral("info"), m_model, QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject info = QJsonDocument::fromJson(run.out).object();
    const QJsonArray assumed = info.value(QStringLiteral("assumed")).toArray();
    QVERIFY2(assumed.contains(QStringLiteral("preprocess")), run.out.constData());
    QVERIFY(!assumed.contains(QStringLiteral("labels")));       // given by the file
    QVERIFY(!assumed.contains(QStringLiteral("token_layout"))); // given by the file
    QVERIFY(info.value(QStringLiteral("tokenizer_fallback")).toBool());
    QCOMPARE(info.value(QStringLiteral("default_shape_check")).toString(), QStringLiteral("ok"));
    QCOMPARE(info.value(QStringLiteral("classes")).toInt(), 2);
}

void TestExternalModel::modelTabCardSeesAssumedFields()
{
    // What the window's model-file card shows, read on its worker thread.
    ModelFileInfo info = inspectModelFile(m_model);
    QVERIFY2(info.error.isEmpty(), qPrintable(info.error));
    QVERIFY(info.hasMeta);
    QVERIFY(!info.hasTokenizer);
    QVERIFY(info.meta.assumed.contains(QStringLiteral("preprocess")));
    QCOMPARE(info.meta.labels, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
    PreprocessConfig shapes; // a loaded dataset's preprocessing: the contract is checked with it
    info = inspectModelFile(m_model, &shapes, 2);
    QVERIFY2(info.error.isEmpty(), qPrintable(info.error));
    QVERIFY(info.contractChecked);
    QCOMPARE(info.classes, 2);
}

void TestExternalModel::evalRunsAndAnnouncesTheTokenizerFallback()
{
    const auto run = testsupport::runFusionscope({QStringLiteral("eval"), m_model, m_data, QStringLiteral("--split"),
                                                  QStringLiteral("all"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.err.contains("has no fusionscope/tokenizer.model"), run.err.constData());
    QVERIFY2(run.err.contains("trained on the train split"), run.err.constData());
    QVERIFY2(run.err.contains("defaults assumed"), run.err.constData());
    const QJsonObject report = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(report.value(QStringLiteral("evaluated")).toInt(), 12);
    const double accuracy = report.value(QStringLiteral("accuracy")).toDouble(-1.0);
    QVERIFY2(accuracy >= 0.0 && accuracy <= 1.0, run.out.constData());
}

void TestExternalModel::explainGivesAttentionMaps()
{
    const QString out = m_dir.filePath(QStringLiteral("explain"));
    const auto run = testsupport::runFusionscope({QStringLiteral("explain"), m_model, m_data, QStringLiteral("--sample"),
                                                  QStringLiteral("s3"), QStringLiteral("--out"), out});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.err.contains("has no fusionscope/tokenizer.model"), run.err.constData());
    QFile file(QDir(out).filePath(QStringLiteral("s3.json")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    const QStringList labels{QStringLiteral("a"), QStringLiteral("b")};
    QVERIFY(labels.contains(json.value(QStringLiteral("prediction")).toObject().value(QStringLiteral("label")).toString()));
    const QJsonObject attention = json.value(QStringLiteral("attention")).toObject();
    QVERIFY2(attention.value(QStringLiteral("maps")).toArray().size() >= 2, QJsonDocument(attention).toJson().constData());
    QCOMPARE(attention.value(QStringLiteral("image")).toObject().value(QStringLiteral("grid")).toArray(), (QJsonArray{8, 8}));
}

QTEST_GUILESS_MAIN(TestExternalModel)
#include "test_external_model.moc"

#include "core/data/audiodecoder.h"
#include "core/data/dataset.h"
#include "core/eval/evaluator.h"
#include "tests/testsupport.h"

#include <torch/script.h>

#include <QtCore/QDir>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <opencv2/imgcodecs.hpp>

#include <cmath>

namespace {

/** One fixture sample: its label ("" = unlabeled) and which modalities it carries. */
struct Row
{
    const char *label;
    bool text, image, audio;
};

// The test split. The fixture model predicts from presence alone: audio present → c, else
// image → b, else a. So every number below follows from this table by hand.
const Row kTestRows[] = {
    {"a", true, false, false}, {"a", true, true, false},  {"a", true, false, true},  {"b", true, true, false},
    {"b", true, true, true},   {"b", false, true, false}, {"c", true, true, true},   {"c", false, false, true},
    {"c", true, false, false}, {"a", true, true, true},   {"b", true, true, false},  {"c", true, true, false},
    {"", true, true, true},
};
const int kLabeledRows = 12;

/** logits = present · diag(2, 3, 4) + (0.5, 0, 0): the argmax is the rule above. */
torch::jit::Module presenceModel()
{
    torch::jit::Module module("PresenceModel");
    module.register_attribute("training", c10::BoolType::get(), true);
    module.register_buffer("weight", torch::diag(torch::tensor({2.0f, 3.0f, 4.0f})));
    module.register_buffer("bias", torch::tensor({0.5f, 0.0f, 0.0f}));
    module.define(R"(
def forward(self, text, image, audio, present):
    return {"logits": torch.matmul(present, self.weight) + self.bias}
)");
    return module;
}

int ruleClass(bool text, bool image, bool audio)
{
    Q_UNUSED(text);
    return audio ? 2 : image ? 1 : 0;
}

int labelClass(const char *label)
{
    return label[0] == 'a' ? 0 : label[0] == 'b' ? 1 : 2;
}

void writeImage(const QString &path, int value)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    const cv::Mat image(12, 12, CV_8UC3, cv::Scalar(value, 255 - value, value / 2));
    if (!cv::imwrite(path.toStdString(), image))
        qFatal("cannot write %s", qPrintable(path));
}

void writeAudio(const QString &path, double hz)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    std::vector<float> samples(4800);
    for (std::size_t k = 0; k < samples.size(); ++k)
        samples[k] = float(0.3 * std::sin(2.0 * M_PI * hz * double(k) / 16000.0));
    QString error;
    if (!encodeAudio(path, samples, 16000, AudioFormat::Wav, &error))
        qFatal("cannot write %s: %s", qPrintable(path), qPrintable(error));
}

/** Four complete training samples (tokenizer and normalisation) and kTestRows as the test split. */
void writeFixture(const QString &dir)
{
    QByteArray manifest;
    int n = 0;
    const auto add = [&](const QString &split, const Row &row) {
        const QString id = QStringLiteral("s%1").arg(n++, 2, 10, QLatin1Char('0'));
        QJsonObject line{{QStringLiteral("id"), id}, {QStringLiteral("split"), split}};
        if (row.label[0])
            line.insert(QStringLiteral("label"), QString::fromLatin1(row.label));
        if (row.text)
            line.insert(QStringLiteral("text"), QStringLiteral("which cell holds the %1 shape").arg(n % 2 ? QStringLiteral("red") : QStringLiteral("blue")));
        if (row.image) {
            writeImage(QStringLiteral("%1/images/%2.png").arg(dir, id), 20 * n);
            line.insert(QStringLiteral("image"), QStringLiteral("images/%1.png").arg(id));
        }
        if (row.audio) {
            writeAudio(QStringLiteral("%1/audio/%2.wav").arg(dir, id), 300.0 + 40.0 * n);
            line.insert(QStringLiteral("audio"), QStringLiteral("audio/%1.wav").arg(id));
        }
        manifest += QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    };
    for (const char *label : {"a", "b", "c", "a"})
        add(QStringLiteral("train"), Row{label, true, true, true});
    for (const Row &row : kTestRows)
        add(QStringLiteral("test"), row);
    testsupport::writeFile(dir + QStringLiteral("/manifest.jsonl"), manifest);
}

} // namespace

class TestEvaluator final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scoresMatchTheHandCount();
    void subsetAccuraciesMaskPresent();
    void predictionsCoverUnlabeledSamples();
    void classNamesMapDatasetLabelsByName();
    void failuresAndCancelBecomeErrors();
    void computeScoresAndJsonRoundTrip();

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Dataset> m_dataset;
    std::vector<int> m_test;
};

void TestEvaluator::initTestCase()
{
    QVERIFY(m_dir.isValid());
    writeFixture(m_dir.path());
    DatasetOptions options;
    options.preprocess.imageSize = 12;
    options.preprocess.mel.melBins = 16;
    options.preprocess.vocabSize = 30;
    options.preprocess.textLength = 8;
    options.threads = 1;
    m_dataset = Dataset::load(m_dir.path(), options);
    QVERIFY(m_dataset);
    QVERIFY2(m_dataset->loadError().isEmpty(), qPrintable(m_dataset->loadError()));
    QVERIFY2(m_dataset->issues().isEmpty(), qPrintable(m_dataset->issues().value(0).toString()));
    QCOMPARE(m_dataset->labels(), (QStringList{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}));
    m_test = m_dataset->indices(Split::Test);
    QCOMPARE(int(m_test.size()), int(std::size(kTestRows)));
    for (std::size_t i = 0; i < m_test.size(); ++i) {
        const PresenceMask mask = m_dataset->presence(m_test[i]);
        QCOMPARE(mask[0], kTestRows[i].text);
        QCOMPARE(mask[1], kTestRows[i].image);
        QCOMPARE(mask[2], kTestRows[i].audio);
    }
}

void TestEvaluator::scoresMatchTheHandCount()
{
    torch::jit::Module model = presenceModel();
    // Batches of 5 split the 13 rows unevenly: the last batch is partial.
    const EvalReport report = evaluateModel(model, *m_dataset, m_test, 5, /*subsets=*/false);
    QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
    QVERIFY2(model.is_training(), "evaluation restores the caller's mode");
    QCOMPARE(report.samples, kLabeledRows);
    const std::vector<std::vector<int>> confusion{{1, 1, 2}, {0, 3, 1}, {1, 1, 2}};
    QCOMPARE(report.confusion, confusion);
    QCOMPARE(report.accuracy, 0.5);
    QCOMPARE(report.perClass.size(), 3);
    QCOMPARE(report.perClass[0].precision, 0.5);
    QCOMPARE(report.perClass[1].precision, 0.6);
    QCOMPARE(report.perClass[2].precision, 0.4);
    QCOMPARE(report.perClass[0].recall, 0.25);
    QCOMPARE(report.perClass[1].recall, 0.75);
    QCOMPARE(report.perClass[2].recall, 0.5);
    QCOMPARE(report.perClass[1].support, 4);
    QVERIFY(std::abs(report.perClass[0].f1 - 1.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(report.perClass[1].f1 - 2.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(report.perClass[2].f1 - 4.0 / 9.0) < 1e-12);
    QVERIFY(std::abs(report.macroF1 - 13.0 / 27.0) < 1e-12);
    QVERIFY(report.subsetAccuracy.isEmpty());

    // Cross-entropy from the closed-form logits of each row.
    double loss = 0.0;
    for (int i = 0; i < kLabeledRows; ++i) {
        const Row &row = kTestRows[i];
        const double logits[3] = {0.5 + 2.0 * row.text, 3.0 * row.image, 4.0 * row.audio};
        const double norm = std::log(std::exp(logits[0]) + std::exp(logits[1]) + std::exp(logits[2]));
        loss += norm - logits[labelClass(row.label)];
    }
    QVERIFY2(std::abs(report.loss - loss / kLabeledRows) < 1e-5, qPrintable(QString::number(report.loss)));

    // The probability curves cover the labeled rows; top-1 is the accuracy; each class's AUC is
    // the Mann-Whitney statistic of the closed-form probabilities (binary inputs: many ties).
    QCOMPARE(report.curves.samples, kLabeledRows);
    QCOMPARE(report.curves.topK.front(), report.accuracy);
    QCOMPARE(report.curves.topK.back(), 1.0);
    for (int c = 0; c < 3; ++c) {
        double wins = 0.0;
        double pairs = 0.0;
        const auto probability = [&](const Row &row) {
            const double logits[3] = {0.5 + 2.0 * row.text, 3.0 * row.image, 4.0 * row.audio};
            return std::exp(logits[c]) / (std::exp(logits[0]) + std::exp(logits[1]) + std::exp(logits[2]));
        };
        for (int p = 0; p < kLabeledRows; ++p) {
            for (int n = 0; n < kLabeledRows; ++n) {
                if (labelClass(kTestRows[p].label) != c || labelClass(kTestRows[n].label) == c)
                    continue;
                const double a = probability(kTestRows[p]);
                const double b = probability(kTestRows[n]);
                wins += std::abs(a - b) < 1e-6 ? 0.5 : a > b ? 1.0 : 0.0;
                pairs += 1.0;
            }
        }
        QVERIFY2(std::abs(report.curves.perClass[std::size_t(c)].auc - wins / pairs) < 1e-9,
                 qPrintable(QStringLiteral("class %1: %2 vs %3").arg(c).arg(report.curves.perClass[std::size_t(c)].auc).arg(wins / pairs)));
    }
}

void TestEvaluator::subsetAccuraciesMaskPresent()
{
    torch::jit::Module model = presenceModel();
    const EvalReport report = evaluateModel(model, *m_dataset, m_test, 4, /*subsets=*/true);
    QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
    QCOMPARE(report.subsetAccuracy.keys().size(), 7);
    for (int mask = 1; mask < 8; ++mask) {
        const bool t = mask & 1, im = mask & 2, au = mask & 4;
        QStringList parts;
        if (t)
            parts << QStringLiteral("text");
        if (im)
            parts << QStringLiteral("image");
        if (au)
            parts << QStringLiteral("audio");
        const QString name = parts.join(QLatin1Char('+'));
        int correct = 0;
        for (int i = 0; i < kLabeledRows; ++i) {
            const Row &row = kTestRows[i];
            correct += ruleClass(row.text && t, row.image && im, row.audio && au) == labelClass(row.label);
        }
        QVERIFY2(report.subsetAccuracy.contains(name), qPrintable(name));
        QCOMPARE(report.subsetAccuracy.value(name), double(correct) / kLabeledRows);
    }
    QCOMPARE(report.subsetAccuracy.value(QStringLiteral("text")), 4.0 / 12.0);  // everything becomes "a"
    QCOMPARE(report.subsetAccuracy.value(QStringLiteral("text+image+audio")), report.accuracy);
}

void TestEvaluator::predictionsCoverUnlabeledSamples()
{
    torch::jit::Module model = presenceModel();
    std::vector<SamplePrediction> predictions;
    const EvalReport report = evaluateModel(model, *m_dataset, m_test, 64, false, &predictions);
    QVERIFY(report.error.isEmpty());
    QCOMPARE(int(predictions.size()), int(std::size(kTestRows)));
    for (std::size_t i = 0; i < predictions.size(); ++i) {
        const Row &row = kTestRows[i];
        QCOMPARE(predictions[i].index, m_test[i]);
        QCOMPARE(predictions[i].predicted, ruleClass(row.text, row.image, row.audio));
        QCOMPARE(int(predictions[i].probabilities.size()), 3);
        const float sum = predictions[i].probabilities[0] + predictions[i].probabilities[1] + predictions[i].probabilities[2];
        QVERIFY(std::abs(sum - 1.0f) < 1e-5f);
        const double logits[3] = {0.5 + 2.0 * row.text, 3.0 * row.image, 4.0 * row.audio};
        const double norm = std::exp(logits[0]) + std::exp(logits[1]) + std::exp(logits[2]);
        QVERIFY(std::abs(predictions[i].probabilities[1] - std::exp(logits[1]) / norm) < 1e-6);
    }
}

void TestEvaluator::classNamesMapDatasetLabelsByName()
{
    torch::jit::Module model = presenceModel();
    // The model's classes are {a, b, x}: samples labeled "c" are unknown to it and not scored.
    const QStringList names{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("x")};
    const EvalReport report = evaluateModel(model, *m_dataset, m_test, 64, false, nullptr, {}, nullptr, names);
    QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
    QCOMPARE(report.labels, names);
    QCOMPARE(report.samples, 8);
    const std::vector<std::vector<int>> confusion{{1, 1, 2}, {0, 3, 1}, {0, 0, 0}};
    QCOMPARE(report.confusion, confusion);
    QCOMPARE(report.accuracy, 0.5);
}

void TestEvaluator::failuresAndCancelBecomeErrors()
{
    torch::jit::Module model = presenceModel();
    const QStringList four{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
    EvalReport report = evaluateModel(model, *m_dataset, m_test, 64, false, nullptr, {}, nullptr, four);
    QVERIFY2(report.error.contains(QLatin1String("logits of shape [13, 3]")), qPrintable(report.error));

    torch::jit::Module broken("Broken");
    broken.define(R"(
def forward(self, text, image, audio, present):
    return {"logits": torch.matmul(present, torch.ones(5, 3))}
)");
    report = evaluateModel(broken, *m_dataset, m_test, 64, true);
    QVERIFY(!report.error.isEmpty());
    QVERIFY2(!report.error.contains(QLatin1Char('\n')), qPrintable(report.error));
    QVERIFY2(report.error.contains(QLatin1String("s04")), qPrintable(report.error)); // names the samples

    CancelFlag cancel{true};
    int progressCalls = 0;
    report = evaluateModel(model, *m_dataset, m_test, 2, false, nullptr, [&](const Progress &) { ++progressCalls; }, &cancel);
    QVERIFY2(report.error.contains(QLatin1String("cancelled")), qPrintable(report.error));
    QCOMPARE(progressCalls, 0);
    cancel = false;
    report = evaluateModel(model, *m_dataset, m_test, 2, false, nullptr, [&](const Progress &) { ++progressCalls; }, &cancel);
    QVERIFY(report.error.isEmpty());
    QCOMPARE(progressCalls, 7);
}

void TestEvaluator::computeScoresAndJsonRoundTrip()
{
    EvalReport report;
    report.labels = QStringList{QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("never")};
    report.confusion = {{3, 1, 0}, {2, 4, 0}, {0, 0, 0}};
    report.computeScores();
    QCOMPARE(report.samples, 10);
    QCOMPARE(report.accuracy, 0.7);
    // "never" is neither true nor predicted anywhere: left out of the macro average.
    const double f1x = 2 * 0.6 * 0.75 / (0.6 + 0.75);
    const double f1y = 2 * 0.8 * (4.0 / 6.0) / (0.8 + 4.0 / 6.0);
    QVERIFY(std::abs(report.macroF1 - (f1x + f1y) / 2) < 1e-12);
    report.loss = 0.25;
    report.subsetAccuracy.insert(QStringLiteral("image+audio"), 0.5);

    const EvalReport back = EvalReport::fromJson(report.toJson());
    QCOMPARE(back.toJson(), report.toJson());
    QCOMPARE(back.confusion, report.confusion);
    QCOMPARE(back.perClass[1].support, 6);
    QCOMPARE(report.toJson().value(QStringLiteral("per_class")).toArray().at(2).toObject().value(QStringLiteral("label")).toString(),
             QStringLiteral("never"));
}

QTEST_GUILESS_MAIN(TestEvaluator)
#include "test_evaluator.moc"

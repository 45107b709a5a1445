// Top-k accuracy, one-vs-rest ROC / precision-recall and calibration against values worked
// out by hand (and, for the AUC, against the Mann-Whitney statistic: an independent formula).
#include "core/eval/classifiercurves.h"
#include "core/eval/reporttext.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonDocument>
#include <QtTest/QtTest>

#include <array>
#include <cmath>
#include <random>

namespace {

/** Four samples, three classes; the worked example in every test below. */
struct Example
{
    std::vector<int> truth{0, 1, 2, 0};
    std::vector<float> probabilities{
        0.70F, 0.20F, 0.10F, // truth 0, predicted 0, confidence .70
        0.28F, 0.44F, 0.28F, // truth 1, predicted 1, confidence .44
        0.50F, 0.10F, 0.40F, // truth 2, predicted 0 (truth ranks second)
        0.20F, 0.50F, 0.30F, // truth 0, predicted 1 (truth ranks third)
    };
};

/** P(score of a positive > score of a negative) + P(tie) / 2, by brute force. */
double mannWhitneyAuc(const std::vector<float> &scores, const std::vector<char> &positive)
{
    double wins = 0.0;
    double pairs = 0.0;
    for (std::size_t p = 0; p < scores.size(); ++p) {
        for (std::size_t n = 0; n < scores.size(); ++n) {
            if (!positive[p] || positive[n])
                continue;
            wins += scores[p] > scores[n] ? 1.0 : scores[p] == scores[n] ? 0.5 : 0.0;
            pairs += 1.0;
        }
    }
    return wins / pairs;
}

} // namespace

class TestClassifierCurves : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void topKCountsTheTruthsRank();
    void rocAucAndAveragePrecisionMatchTheHandValues();
    void calibrationBinsTheTopProbability();
    void undefinedClassesAreLeftOutOfTheMacroMeans();
    void tiesAreBrokenAsArgmaxBreaksThem();
    void largeInputsAreExactAndCurvesThinned();
    void jsonRoundTripKeepsUndefinedValues();
    void textSummaryNamesEveryFigure();
    void malformedInputGivesAnEmptyResult();
};

void TestClassifierCurves::topKCountsTheTruthsRank()
{
    const Example e;
    const ClassifierCurves curves = ClassifierCurves::compute(e.truth, e.probabilities, 3);
    QCOMPARE(curves.samples, 4);
    QCOMPARE(int(curves.topK.size()), 3); // min(5, classes)
    QCOMPARE(curves.topK[0], 0.5);
    QCOMPARE(curves.topK[1], 0.75);
    QCOMPARE(curves.topK[2], 1.0);
}

void TestClassifierCurves::rocAucAndAveragePrecisionMatchTheHandValues()
{
    const Example e;
    const ClassifierCurves curves = ClassifierCurves::compute(e.truth, e.probabilities, 3);
    QCOMPARE(int(curves.perClass.size()), 3);
    // Class 0: scores .70(+) .50(-) .28(-) .20(+): ROC (0,0) (0,.5) (.5,.5) (1,.5) (1,1).
    const OneVsRestCurves &zero = curves.perClass[0];
    QCOMPARE(zero.positives, 2);
    QCOMPARE(zero.negatives, 2);
    QVERIFY(qAbs(zero.auc - 0.5) < 1e-12);
    QVERIFY(qAbs(zero.averagePrecision - 0.75) < 1e-12); // .5 * 1 + .5 * .5
    QCOMPARE(int(zero.roc.size()), 5);
    QCOMPARE(zero.roc[1].x, 0.0);
    QCOMPARE(zero.roc[1].y, 0.5);
    QCOMPARE(zero.roc.back().x, 1.0);
    QCOMPARE(zero.roc.back().y, 1.0);
    QCOMPARE(zero.pr.front().x, 0.0); // the "nothing predicted" end point
    QCOMPARE(zero.pr.front().y, 1.0);
    QCOMPARE(zero.pr.back().x, 1.0);
    QCOMPARE(zero.pr.back().y, 0.5);
    // Class 1: its one positive (.44) beats two of three negatives; a negative (.50) is ranked first.
    QVERIFY(qAbs(curves.perClass[1].auc - 2.0 / 3.0) < 1e-12);
    QVERIFY(qAbs(curves.perClass[1].averagePrecision - 0.5) < 1e-12);
    // Class 2: its positive has the highest score.
    QCOMPARE(curves.perClass[2].auc, 1.0);
    QCOMPARE(curves.perClass[2].averagePrecision, 1.0);
    QVERIFY(qAbs(curves.macroAuc - (0.5 + 2.0 / 3.0 + 1.0) / 3.0) < 1e-12);
    QVERIFY(qAbs(curves.macroAveragePrecision - 0.75) < 1e-12);
}

void TestClassifierCurves::calibrationBinsTheTopProbability()
{
    const Example e;
    const ClassifierCurves curves = ClassifierCurves::compute(e.truth, e.probabilities, 3);
    QCOMPARE(int(curves.calibration.size()), ClassifierCurves::kCalibrationBins);
    // Confidences .70 (right), .44 (right), .50 and .50 (both wrong); 15 bins of width 1/15.
    QCOMPARE(curves.calibration[10].count, 1); // (10/15, 11/15]
    QCOMPARE(curves.calibration[6].count, 1);  // (6/15, 7/15]
    QCOMPARE(curves.calibration[7].count, 2);  // (7/15, 8/15]
    QCOMPARE(curves.calibration[7].accuracy, 0.0);
    QVERIFY(qAbs(curves.calibration[7].confidence - 0.5) < 1e-6);
    QVERIFY(qAbs(curves.calibration[6].accuracy - 1.0) < 1e-12);
    int total = 0;
    for (const CalibrationBin &bin : curves.calibration)
        total += bin.count;
    QCOMPARE(total, 4);
    // ECE = (1 * .30 + 1 * .56 + 2 * .50) / 4; the largest gap is .56.
    QVERIFY(qAbs(curves.expectedCalibrationError - 0.465) < 1e-6);
    QVERIFY(qAbs(curves.maxCalibrationError - 0.56) < 1e-6);
}

void TestClassifierCurves::undefinedClassesAreLeftOutOfTheMacroMeans()
{
    // Class 2 never occurs in the truth: no AUC, no average precision, not in the means.
    const std::vector<int> truth{0, 1};
    const std::vector<float> probabilities{0.8F, 0.1F, 0.1F, 0.3F, 0.6F, 0.1F};
    const ClassifierCurves curves = ClassifierCurves::compute(truth, probabilities, 3);
    QVERIFY(std::isnan(curves.perClass[2].auc));
    QVERIFY(std::isnan(curves.perClass[2].averagePrecision));
    QVERIFY(!curves.perClass[2].hasAuc());
    QVERIFY(curves.perClass[2].roc.empty());
    QCOMPARE(curves.macroAuc, 1.0);
    QCOMPARE(curves.macroAveragePrecision, 1.0);
}

void TestClassifierCurves::tiesAreBrokenAsArgmaxBreaksThem()
{
    // Both samples give both classes .5: argmax says class 0 for both, so sample 1 is wrong.
    const std::vector<int> truth{0, 1};
    const std::vector<float> probabilities{0.5F, 0.5F, 0.5F, 0.5F};
    const ClassifierCurves curves = ClassifierCurves::compute(truth, probabilities, 2);
    QCOMPARE(curves.topK[0], 0.5);
    QCOMPARE(curves.topK[1], 1.0);
    // One threshold admits both samples together: ROC (0,0) -> (1,1), AUC .5, AP .5.
    QCOMPARE(int(curves.perClass[0].roc.size()), 2);
    QCOMPARE(curves.perClass[0].auc, 0.5);
    QCOMPARE(curves.perClass[0].averagePrecision, 0.5);
}

void TestClassifierCurves::largeInputsAreExactAndCurvesThinned()
{
    std::mt19937 random(7);
    std::uniform_real_distribution<float> uniform(0.0F, 1.0F);
    const int samples = 3000;
    std::vector<int> truth;
    std::vector<float> probabilities;
    for (int i = 0; i < samples; ++i) {
        const int t = i % 4;
        truth.push_back(t);
        std::array<float, 4> row{};
        float sum = 0.0F;
        for (int c = 0; c < 4; ++c) {
            row[std::size_t(c)] = uniform(random) + (c == t ? 0.6F : 0.0F); // informative, not perfect
            sum += row[std::size_t(c)];
        }
        for (float value : row)
            probabilities.push_back(value / sum);
    }
    QElapsedTimer timer;
    timer.start();
    const ClassifierCurves curves = ClassifierCurves::compute(truth, probabilities, 4);
    QVERIFY2(timer.elapsed() < 2000, "3 000 samples x 4 classes must take well under a second");
    for (int c = 0; c < 4; ++c) {
        std::vector<float> scores;
        std::vector<char> positive;
        for (int i = 0; i < samples; ++i) {
            scores.push_back(probabilities[std::size_t(i * 4 + c)]);
            positive.push_back(truth[std::size_t(i)] == c ? 1 : 0);
        }
        const OneVsRestCurves &curve = curves.perClass[std::size_t(c)];
        QVERIFY2(qAbs(curve.auc - mannWhitneyAuc(scores, positive)) < 1e-9, qPrintable(QString::number(curve.auc)));
        QVERIFY(curve.auc > 0.7 && curve.auc < 1.0);
        QVERIFY(int(curve.roc.size()) <= ClassifierCurves::kMaxCurvePoints);
        QVERIFY(int(curve.pr.size()) <= ClassifierCurves::kMaxCurvePoints);
        QCOMPARE(curve.roc.front().x, 0.0);
        QCOMPARE(curve.roc.back().y, 1.0);
        for (std::size_t i = 1; i < curve.roc.size(); ++i)
            QVERIFY(curve.roc[i].x >= curve.roc[i - 1].x && curve.roc[i].y >= curve.roc[i - 1].y);
    }
}

void TestClassifierCurves::jsonRoundTripKeepsUndefinedValues()
{
    const std::vector<int> truth{0, 1};
    const std::vector<float> probabilities{0.8F, 0.1F, 0.1F, 0.3F, 0.6F, 0.1F};
    const ClassifierCurves curves = ClassifierCurves::compute(truth, probabilities, 3);
    const QByteArray text = QJsonDocument(curves.toJson()).toJson();
    QVERIFY(text.contains("\"auc\": null"));
    const ClassifierCurves back = ClassifierCurves::fromJson(QJsonDocument::fromJson(text).object());
    QCOMPARE(back.samples, 2);
    QCOMPARE(back.topK, curves.topK);
    QCOMPARE(back.macroAuc, curves.macroAuc);
    QVERIFY(std::isnan(back.perClass[2].auc));
    QCOMPARE(back.perClass[0].roc.size(), curves.perClass[0].roc.size());
    QCOMPARE(back.calibration.size(), curves.calibration.size());
    QCOMPARE(back.expectedCalibrationError, curves.expectedCalibrationError);
    QVERIFY(ClassifierCurves::fromJson(QJsonObject()).isEmpty()); // an older report.json without curves
}

void TestClassifierCurves::textSummaryNamesEveryFigure()
{
    const Example e;
    const QString text = formatCurveSummary(ClassifierCurves::compute(e.truth, e.probabilities, 3));
    QVERIFY2(text.contains(QStringLiteral("top-1 50.0 %")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("top-3 100.0 %")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("ROC AUC   0.722")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("average precision 0.750")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("ECE       46.5 % (expected calibration error")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("largest bin gap 56.0 %")), qPrintable(text));
    QVERIFY(formatCurveSummary(ClassifierCurves()).isEmpty());
}

void TestClassifierCurves::malformedInputGivesAnEmptyResult()
{
    // Truths out of range and a probability array too short for its rows are skipped, not read.
    // Seven floats hold rows 0..2 of two classes; row 3 is cut short.
    const ClassifierCurves curves = ClassifierCurves::compute({-1, 5, 0, 1}, {0.9F, 0.1F, 0.2F, 0.8F, 0.6F, 0.4F, 0.3F}, 2);
    QCOMPARE(curves.samples, 1); // row 2 only
    QCOMPARE(curves.topK[0], 1.0);
    QVERIFY(ClassifierCurves::compute({}, {}, 3).isEmpty());
    QVERIFY(ClassifierCurves::compute({0}, {1.0F}, 0).isEmpty());
}

QTEST_GUILESS_MAIN(TestClassifierCurves)
#include "test_classifiercurves.moc"

// Multi-label scores against values worked out by hand: per-tag precision / recall / F1 at a
// threshold, average precision and AUC, micro and macro F1, mAP, exact match, the F1-best
// threshold (ties, no positives) and the JSON round trip.
#include "core/eval/multilabelscores.h"

#include <QtTest/QtTest>

#include <cmath>
#include <random>

namespace {

/**
 * Four samples, two tags, and a fifth row without a tag set (NaN truth) that every score skips.
 *   tag a: truth 1 0 1 0, probability .9 .8 .3 .1
 *   tag b: truth 0 1 1 1, probability .2 .6 .7 .4
 */
TagMatrix example()
{
    TagMatrix matrix;
    matrix.tags = 2;
    const float nan = std::nanf("");
    const float truth[5][2] = {{1, 0}, {0, 1}, {1, 1}, {0, 1}, {nan, nan}};
    const float probability[5][2] = {{0.9F, 0.2F}, {0.8F, 0.6F}, {0.3F, 0.7F}, {0.1F, 0.4F}, {0.99F, 0.99F}};
    for (int row = 0; row < 5; ++row)
        matrix.add(truth[row], probability[row]);
    return matrix;
}

const QStringList kNames{QStringLiteral("a"), QStringLiteral("b")};

bool near(double a, double b, double tolerance = 1e-6)
{
    return std::abs(a - b) <= tolerance;
}

} // namespace

class TestMultilabelScores : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void perTagScoresMatchTheHandValues();
    void microMacroMapAndExactMatch();
    void tunedThresholdsMaximiseF1();
    void tiesAndMissingPositives();
    void largeInputsScaleAndTuningNeverLowersF1();
    void jsonRoundTripAndText();
};

void TestMultilabelScores::perTagScoresMatchTheHandValues()
{
    const MultilabelReport report = MultilabelReport::compute(kNames, example(), {0.5, 0.5});
    QCOMPARE(report.samples, 4);
    QCOMPARE(int(report.tags.size()), 2);
    const TagScores &a = report.tags[0];
    // a at .5 predicts samples 1 and 2: one right, one wrong, one positive missed.
    QCOMPARE(a.name, QStringLiteral("a"));
    QCOMPARE(a.truePositives, 1);
    QCOMPARE(a.falsePositives, 1);
    QCOMPARE(a.falseNegatives, 1);
    QVERIFY(near(a.precision, 0.5) && near(a.recall, 0.5) && near(a.f1, 0.5));
    // AP: ranks +, -, +, - → 0.5 * 1 + 0.5 * 2/3; AUC: 3 of the 4 (positive, negative) pairs in order.
    QVERIFY2(near(a.curves.averagePrecision, 0.5 + 0.5 * 2.0 / 3.0), qPrintable(QString::number(a.curves.averagePrecision)));
    QVERIFY(near(a.curves.auc, 0.75));
    QCOMPARE(a.positives(), 2);
    const TagScores &b = report.tags[1];
    QCOMPARE(b.truePositives, 2);
    QCOMPARE(b.falsePositives, 0);
    QCOMPARE(b.falseNegatives, 1);
    QVERIFY(near(b.precision, 1.0) && near(b.recall, 2.0 / 3.0) && near(b.f1, 0.8));
    QVERIFY(near(b.curves.averagePrecision, 1.0)); // every positive outranks the negative
    QVERIFY(near(b.curves.auc, 1.0));
}

void TestMultilabelScores::microMacroMapAndExactMatch()
{
    const MultilabelReport report = MultilabelReport::compute(kNames, example(), {0.5, 0.5});
    // Pooled decisions: TP 3, FP 1, FN 2.
    QVERIFY(near(report.microPrecision, 0.75));
    QVERIFY(near(report.microRecall, 0.6));
    QVERIFY(near(report.microF1, 6.0 / 9.0));
    QVERIFY(near(report.macroF1, (0.5 + 0.8) / 2.0));
    QVERIFY(near(report.meanAveragePrecision, (0.5 + 1.0 / 3.0 + 1.0) / 2.0));
    // Only sample 0's whole set is right ({a} predicted, {a} true).
    QVERIFY(near(report.exactMatch, 0.25));
}

void TestMultilabelScores::tunedThresholdsMaximiseF1()
{
    const std::vector<double> tuned = example().tunedThresholds();
    QCOMPARE(int(tuned.size()), 2);
    // a: the top three (F1 0.8) beat the top one (0.667) and all four (0.667): halfway between .3 and .1.
    QVERIFY2(near(tuned[0], 0.2), qPrintable(QString::number(tuned[0])));
    // b: the top three are all its positives (F1 1): halfway between .4 and .2.
    QVERIFY2(near(tuned[1], 0.3), qPrintable(QString::number(tuned[1])));
    const MultilabelReport report = MultilabelReport::compute(kNames, example(), tuned);
    QVERIFY(near(report.tags[0].f1, 0.8));
    QVERIFY(near(report.tags[1].f1, 1.0));
    QVERIFY(near(report.tags[0].threshold, 0.2));
}

void TestMultilabelScores::tiesAndMissingPositives()
{
    // Tied scores enter together: no threshold splits them.
    const double tied = bestF1Threshold({0.5F, 0.5F, 0.5F}, {1, 0, 1});
    QVERIFY(tied < 0.5 && tied > 0.0);
    QCOMPARE(bestF1Threshold({0.9F, 0.1F}, {0, 0}), 0.5); // nothing to find: the neutral threshold
    QVERIFY(bestF1Threshold({1.0F, 1.0F}, {1, 1}) < 1.0);  // stays a probability inside (0, 1)

    // A tag absent from the evaluated samples has no AP and leaves macro-F1 and mAP alone.
    TagMatrix matrix;
    matrix.tags = 2;
    const float rows[3][2] = {{1, 0}, {0, 0}, {1, 0}};
    const float probabilities[3][2] = {{0.9F, 0.7F}, {0.2F, 0.1F}, {0.8F, 0.3F}};
    for (int row = 0; row < 3; ++row)
        matrix.add(rows[row], probabilities[row]);
    const MultilabelReport report = MultilabelReport::compute(kNames, matrix, {0.5, 0.5});
    QVERIFY(std::isnan(report.tags[1].curves.averagePrecision));
    QCOMPARE(report.tags[1].falsePositives, 1);
    QVERIFY(near(report.macroF1, 1.0));
    QVERIFY(near(report.meanAveragePrecision, 1.0));
    QVERIFY(near(report.microPrecision, 2.0 / 3.0));
    // Mismatched thresholds: an empty report, not a crash.
    QCOMPARE(MultilabelReport::compute(kNames, matrix, {0.5}).samples, 0);
}

void TestMultilabelScores::largeInputsScaleAndTuningNeverLowersF1()
{
    std::mt19937 random(7);
    std::uniform_real_distribution<float> uniform(0.0F, 1.0F);
    TagMatrix matrix;
    matrix.tags = 5;
    for (int row = 0; row < 40000; ++row) {
        float truth[5];
        float probability[5];
        for (int k = 0; k < 5; ++k) {
            truth[k] = uniform(random) < 0.1F * float(k + 1) ? 1.0F : 0.0F;
            probability[k] = std::clamp(0.3F * truth[k] + 0.7F * uniform(random), 0.0F, 1.0F);
        }
        matrix.add(truth, probability);
    }
    QElapsedTimer clock;
    clock.start();
    const std::vector<double> tuned = matrix.tunedThresholds();
    const MultilabelReport best = MultilabelReport::compute(QStringList(5, QStringLiteral("t")), matrix, tuned);
    QVERIFY2(clock.elapsed() < 5000, "n log n per tag");
    const MultilabelReport half = MultilabelReport::compute(QStringList(5, QStringLiteral("t")), matrix, std::vector<double>(5, 0.5));
    for (int k = 0; k < 5; ++k) {
        QVERIFY(tuned[std::size_t(k)] > 0.0 && tuned[std::size_t(k)] < 1.0);
        QVERIFY2(best.tags[std::size_t(k)].f1 >= half.tags[std::size_t(k)].f1 - 1e-12, "the tuned threshold is F1's best");
    }
    QCOMPARE(best.samples, 40000);
}

void TestMultilabelScores::jsonRoundTripAndText()
{
    TagMatrix matrix = example();
    MultilabelReport report = MultilabelReport::compute(kNames, matrix, {0.5, 0.5});
    report.loss = 0.25;
    report.subsetMap.insert(QStringLiteral("text"), std::nan(""));
    report.subsetMap.insert(QStringLiteral("text+image+audio"), report.meanAveragePrecision);
    const MultilabelReport back = MultilabelReport::fromJson(report.toJson());
    QCOMPARE(back.samples, 4);
    QVERIFY(near(back.microF1, report.microF1));
    QVERIFY(near(back.meanAveragePrecision, report.meanAveragePrecision));
    QVERIFY(near(back.loss, 0.25));
    QCOMPARE(int(back.tags.size()), 2);
    QCOMPARE(back.tags[1].name, QStringLiteral("b"));
    QCOMPARE(back.tags[0].falsePositives, 1);
    QVERIFY(near(back.tags[0].curves.auc, 0.75));
    QVERIFY(std::isnan(back.subsetMap.value(QStringLiteral("text"))));
    const QString text = report.toText();
    QVERIFY2(text.contains(QStringLiteral("mAP 0.917")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("micro-F1 0.667")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("exact match 0.250")), qPrintable(text));
}

QTEST_GUILESS_MAIN(TestMultilabelScores)
#include "test_multilabelscores.moc"

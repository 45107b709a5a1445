#include "core/data/tokenizer.h"
#include "tests/testsupport.h"

#include <torch/torch.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cstdio>
#include <unistd.h>

namespace {

/** ~200 short English sentences in the demo dataset's style, the same on every call. */
QStringList englishSentences(int count = 200)
{
    const QStringList shapes{QStringLiteral("circle"), QStringLiteral("square"),
                             QStringLiteral("triangle"), QStringLiteral("star")};
    const QStringList colours{QStringLiteral("red"), QStringLiteral("green"),
                              QStringLiteral("blue"), QStringLiteral("yellow")};
    const QStringList forms{QStringLiteral("where is the %1 %2?"),
                            QStringLiteral("find the %1 %2 in the grid"),
                            QStringLiteral("which cell holds the %1 %2?"),
                            QStringLiteral("point at the %1 %2 please")};
    QStringList out;
    for (int i = 0; i < count; ++i)
        out << forms[i % 4].arg(colours[(i / 4) % 4], shapes[(i / 16) % 4]);
    return out;
}

QStringList chineseSentences()
{
    const QStringList shapes{QStringLiteral("圆形"), QStringLiteral("方形"),
                             QStringLiteral("三角形"), QStringLiteral("星形")};
    const QStringList colours{QStringLiteral("红色的"), QStringLiteral("绿色的"),
                              QStringLiteral("蓝色的"), QStringLiteral("黄色的")};
    QStringList out;
    for (const QString &shape : shapes) {
        out << QStringLiteral("%1在哪里？").arg(shape);
        for (const QString &colour : colours)
            out << QStringLiteral("%1%2在哪里？").arg(colour, shape)
                << QStringLiteral("找到%1%2").arg(colour, shape);
    }
    return out;
}

Tokenizer trained(const QStringList &texts, int vocabSize)
{
    Tokenizer tokenizer;
    QString error;
    if (!tokenizer.train(texts, vocabSize, &error))
        qFatal("training failed: %s", qPrintable(error));
    return tokenizer;
}

} // namespace

/** The text side of every dataset: ids the models see, pieces the GUI shows. */
class TestTokenizer final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void coexistsWithTorch()
    {
        // SentencePiece's bundled protobuf used to crash a process that also loads LibTorch.
        const torch::Tensor product = torch::ones({2, 3}).matmul(torch::ones({3, 2}));
        Tokenizer tokenizer = trained(englishSentences(), 100);
        QCOMPARE(product.sum().item<float>(), 12.0f);
        QVERIFY(tokenizer.tokenCount(QStringLiteral("where is the red circle?")) > 0);
        QCOMPARE(torch::randn({4, 4}).numel(), 16);
    }

    void englishRoundTrip()
    {
        const QStringList texts = englishSentences();
        const Tokenizer tokenizer = trained(texts, 100);
        QVERIFY(tokenizer.isLoaded());
        // An upper bound: this corpus has far fewer distinct pieces than 8000.
        QVERIFY2(tokenizer.vocabSize() > 20 && tokenizer.vocabSize() <= 100,
                 qPrintable(QString::number(tokenizer.vocabSize())));
        for (const QString &text : {texts[0], texts[37], texts[199],
                                    QStringLiteral("where is the blue star?")}) {
            const int count = tokenizer.tokenCount(text);
            QVERIFY(count > 0);
            const std::vector<std::int64_t> ids = tokenizer.encode(text, 64);
            QCOMPARE(ids.size(), size_t(64));
            QVERIFY(std::find(ids.begin(), ids.begin() + count, Tokenizer::kUnknownId)
                    == ids.begin() + count);
            QCOMPARE(tokenizer.decode(ids), text);
            QCOMPARE(tokenizer.pieces(text).join(QString()).replace(QChar(0x2581), QLatin1Char(' ')),
                     QLatin1Char(' ') + text);
        }
    }

    void chineseRoundTrip()
    {
        const Tokenizer tokenizer = trained(chineseSentences(), 200);
        const QString text = QStringLiteral("蓝色的圆形在哪里？");
        const std::vector<std::int64_t> ids = tokenizer.encode(text, 16);
        QVERIFY(std::find(ids.begin(), ids.end(), Tokenizer::kUnknownId) == ids.end());
        QCOMPARE(tokenizer.decode(ids), text);
        QVERIFY(tokenizer.tokenCount(text) >= 1);
        QVERIFY(tokenizer.pieces(text).join(QString()).contains(QStringLiteral("圆")));
    }

    void padsAndTruncates()
    {
        const Tokenizer tokenizer = trained(englishSentences(), 100);
        const QString text = QStringLiteral("find the green triangle in the grid");
        const int count = tokenizer.tokenCount(text);
        QVERIFY(count >= 4);
        const std::vector<std::int64_t> full = tokenizer.encode(text, count + 5);
        for (int i = 0; i < count; ++i)
            QVERIFY(full[size_t(i)] > Tokenizer::kUnknownId);
        for (int i = count; i < count + 5; ++i)
            QCOMPARE(full[size_t(i)], Tokenizer::kPadId);
        const std::vector<std::int64_t> cut = tokenizer.encode(text, 3);
        QCOMPARE(cut, std::vector<std::int64_t>(full.begin(), full.begin() + 3));
        QVERIFY(tokenizer.encode(text, 0).empty());
    }

    void unknownCharactersMapToOne()
    {
        const Tokenizer tokenizer = trained(englishSentences(), 100);
        const std::vector<std::int64_t> ids = tokenizer.encode(QStringLiteral("where is the ☃ 猫?"), 16);
        QVERIFY(std::count(ids.begin(), ids.end(), Tokenizer::kUnknownId) >= 1);
        // Decoding shows the unknown piece instead of dropping it.
        QVERIFY(tokenizer.decode(ids).startsWith(QStringLiteral("where is the")));
        QVERIFY(tokenizer.decode({5000, 2}).size() > 0);
    }

    void saveLoadAndBytesGiveIdenticalIds()
    {
        const Tokenizer original = trained(englishSentences(), 100);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tokenizer.model"));
        QString error;
        QVERIFY2(original.save(path, &error), qPrintable(error));

        Tokenizer fromFile;
        QVERIFY2(fromFile.load(path, &error), qPrintable(error));
        Tokenizer fromBytes;
        QVERIFY2(fromBytes.loadFromBytes(original.serialized(), &error), qPrintable(error));
        Tokenizer moved = std::move(fromBytes);
        const QStringList texts = englishSentences(40) << QStringLiteral("an unseen ☃ text");
        for (const QString &text : texts) {
            QCOMPARE(fromFile.encode(text, 24), original.encode(text, 24));
            QCOMPARE(moved.encode(text, 24), original.encode(text, 24));
        }
        QCOMPARE(fromFile.serialized(), original.serialized());
        QCOMPARE(fromFile.vocabSize(), original.vocabSize());
    }

    void trainingIsDeterministic()
    {
        const QStringList texts = englishSentences() + chineseSentences();
        const std::string first = trained(texts, 150).serialized();
        const std::string second = trained(texts, 150).serialized();
        QVERIFY(!first.empty());
        QVERIFY(first == second);
        QVERIFY(trained(texts, 60).serialized() != first);
    }

    void badModelsGiveClearErrors()
    {
        QTemporaryDir dir;
        Tokenizer tokenizer;
        QString error;
        const QString missing = dir.filePath(QStringLiteral("missing.model"));
        QVERIFY(!tokenizer.load(missing, &error));
        QVERIFY2(error.contains(missing), qPrintable(error));

        const QString corrupt = dir.filePath(QStringLiteral("corrupt.model"));
        testsupport::writeFile(corrupt, QByteArray("this is not a protobuf \x01\x02\xff", 26));
        QVERIFY(!tokenizer.load(corrupt, &error));
        QVERIFY2(error.contains(corrupt) && error.contains(QStringLiteral("SentencePiece")),
                 qPrintable(error));
        QVERIFY(!tokenizer.isLoaded());

        // Unloaded tokenizers answer with padding, never crash.
        QCOMPARE(tokenizer.encode(QStringLiteral("hello"), 3), std::vector<std::int64_t>(3, 0));
        QCOMPARE(tokenizer.tokenCount(QStringLiteral("hello")), 0);
        QVERIFY(!tokenizer.save(dir.filePath(QStringLiteral("x.model")), &error));
    }

    void badTrainingInputGivesClearErrors()
    {
        Tokenizer tokenizer;
        QString error;
        QVERIFY(!tokenizer.train({QStringLiteral("  "), QString()}, 100, &error));
        QVERIFY2(error.contains(QStringLiteral("training texts")), qPrintable(error));
        QVERIFY(!tokenizer.train(chineseSentences(), 5, &error));
        QVERIFY2(error.contains(QStringLiteral("at least")), qPrintable(error));
        // Larger than the corpus supports: fewer pieces, no error.
        QVERIFY2(tokenizer.train({QStringLiteral("hello world")}, 8000, &error), qPrintable(error));
        QVERIFY(tokenizer.vocabSize() < 100);
        QCOMPARE(tokenizer.decode(tokenizer.encode(QStringLiteral("hello world"), 32)),
                 QStringLiteral("hello world"));
    }

    void trainsOnTenThousandSentencesQuickly()
    {
        QStringList texts = englishSentences(10000);
        for (int i = 0; i < texts.size(); ++i)
            texts[i] += QStringLiteral(" number %1").arg(i);
        QElapsedTimer timer;
        timer.start();
        const Tokenizer tokenizer = trained(texts, 1000);
        qInfo("trained on %lld sentences in %lld ms, %d pieces", qlonglong(texts.size()),
              timer.elapsed(), tokenizer.vocabSize());
        QVERIFY(timer.elapsed() < 20000);
    }

    void longTextsCostWhatTheModelReads()
    {
        // A training text of 1 000 000 characters without a space: before, SentencePiece
        // skipped it with warnings on stderr; encoding it took seconds (quadratic).
        QStringList texts = englishSentences();
        texts << QString(1000000, QLatin1Char('a')) << QString(300000, QChar(0x4e2d));
        // Anything SentencePiece writes to stderr lands in this file instead.
        QTemporaryFile capture;
        QVERIFY(capture.open());
        std::fflush(stderr);
        const int saved = ::dup(2);
        ::dup2(capture.handle(), 2);
        Tokenizer tokenizer;
        QString error;
        const bool ok = tokenizer.train(texts, 64, &error);
        std::fflush(stderr);
        ::dup2(saved, 2);
        ::close(saved);
        QVERIFY2(ok, qPrintable(error));
        capture.seek(0);
        const QByteArray leaked = capture.readAll();
        QVERIFY2(leaked.isEmpty(), leaked.constData());

        const QString chinese(2000000, QChar(0x4e2d)); // no spaces, as a Chinese article
        const QString unknown(5000000, QChar(0x263A));  // one run of an unknown character
        for (const QString &text : {QString(5000000, QLatin1Char('a')), chinese, unknown}) {
            QElapsedTimer timer;
            timer.start();
            const std::vector<std::int64_t> ids = tokenizer.encode(text, 32);
            QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
            QCOMPARE(ids, tokenizer.encode(text.left(4096), 32)); // the ids of a short prefix
            QVERIFY(text == unknown || ids[31] != Tokenizer::kPadId);
            QVERIFY(tokenizer.pieces(text).size() <= 1100);
        }
        // With spaces the window ends at one, so the ids are exactly those of the whole text.
        QString spaced;
        for (int i = 0; i < 20000; ++i)
            spaced += englishSentences(20)[i % 20] + QLatin1Char(' ');
        QCOMPARE(tokenizer.encode(spaced, 64), tokenizer.encode(spaced.left(64 * 16 + 300).section(QLatin1Char(' '), 0, -2), 64));
    }

    void missingModuleFailsClearly()
    {
        // The module is loaded once per process, so the failing case runs in a child.
        const QByteArray missing = "/nonexistent/libfusionscope_sentencepiece.so";
        if (qEnvironmentVariableIsSet("FUSIONSCOPE_TOKENIZER_TEST_CHILD")) {
            Tokenizer tokenizer;
            QString error;
            QVERIFY(!tokenizer.train(englishSentences(), 100, &error));
            QVERIFY2(error.contains(QString::fromUtf8(missing)), qPrintable(error));
            QVERIFY(!tokenizer.loadFromBytes(std::string("x"), &error));
            QVERIFY2(error.contains(QString::fromUtf8(missing)), qPrintable(error));
            QCOMPARE(tokenizer.encode(QStringLiteral("hello"), 2), std::vector<std::int64_t>(2, 0));
            return;
        }
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("FUSIONSCOPE_TOKENIZER_TEST_CHILD"), QStringLiteral("1"));
        env.insert(QStringLiteral("FUSIONSCOPE_SENTENCEPIECE_MODULE"), QString::fromUtf8(missing));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("missingModuleFailsClearly")});
        QVERIFY(child.waitForFinished(60000));
        const QByteArray output = child.readAllStandardOutput() + child.readAllStandardError();
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0,
                 output.constData());
    }

    void binaryStillStarts()
    {
        const testsupport::ProcessResult result =
            testsupport::runFusionscope({QStringLiteral("--version")}, 60000);
        QVERIFY2(result.exitCode == 0, result.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"

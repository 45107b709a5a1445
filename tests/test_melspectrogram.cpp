#include <torch/torch.h>

#include "core/data/melspectrogram.h"

#include <QtCore/QElapsedTimer>
#include <QtTest/QtTest>

#include <cmath>
#include <random>

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> tone(double hz, std::size_t count, int rate, float amplitude = 0.5f)
{
    std::vector<float> s(count);
    for (std::size_t i = 0; i < count; ++i)
        s[i] = amplitude * float(std::sin(2.0 * kPi * hz * double(i) / rate));
    return s;
}

/** The mel bin holding the most energy, summed over all frames. */
int loudestBin(const MelSpectrogram &mel, const std::vector<float> &s)
{
    int frames = 0;
    const std::vector<float> out = mel.compute(s.data(), s.size(), &frames);
    int best = -1;
    double bestEnergy = -1.0;
    for (int m = 0; m < mel.config().melBins; ++m) {
        double energy = 0.0;
        for (int t = 0; t < frames; ++t)
            energy += std::exp(double(out[std::size_t(m) * std::size_t(frames) + std::size_t(t)]));
        if (energy > bestEnergy) {
            bestEnergy = energy;
            best = m;
        }
    }
    return best;
}

int nearestCentre(const MelSpectrogram &mel, double hz)
{
    int best = 0;
    for (int m = 1; m < mel.config().melBins; ++m) {
        if (std::abs(mel.binCentreHz(m) - hz) < std::abs(mel.binCentreHz(best) - hz))
            best = m;
    }
    return best;
}

/** Reference written independently with torch ops: HTK filterbank (torchaudio's
 *  melscale_fbanks, norm=None) times |torch::stft|², center=false, then log(max(x, floor)). */
torch::Tensor torchReference(const MelConfig &c, const std::vector<float> &samples)
{
    auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    const torch::Tensor x = torch::tensor(std::vector<double>(samples.begin(), samples.end()), f64);
    // Our frames are windowLength samples zero-padded at the end; a window padded the same
    // way, and the signal padded at its end, make stft's fftSize frames the same frames.
    torch::Tensor window = torch::zeros({c.fftSize}, f64);
    window.narrow(0, 0, c.windowLength).copy_(torch::hann_window(c.windowLength, /*periodic=*/true, f64));
    const torch::Tensor padded = torch::cat({x, torch::zeros({c.fftSize - c.windowLength}, f64)});
    const torch::Tensor spec = torch::stft(padded, c.fftSize, c.hopLength, c.fftSize, window, /*center=*/false,
                                           "reflect", /*normalized=*/false, /*onesided=*/true,
                                           /*return_complex=*/true);
    const torch::Tensor power = spec.abs().pow(2); // [bins, frames]

    auto hzToMel = [](const torch::Tensor &hz) { return 2595.0 * torch::log10(1.0 + hz / 700.0); };
    auto melToHz = [](const torch::Tensor &mel) { return 700.0 * (torch::pow(10.0, mel / 2595.0) - 1.0); };
    const torch::Tensor freqs = torch::linspace(0.0, c.sampleRate / 2.0, c.frequencyBins(), f64);
    const torch::Tensor edges = melToHz(torch::linspace(hzToMel(torch::tensor(double(c.minHz), f64)).item<double>(),
                                                        hzToMel(torch::tensor(double(c.maxHz), f64)).item<double>(),
                                                        c.melBins + 2, f64));
    const torch::Tensor widths = edges.slice(0, 1) - edges.slice(0, 0, -1);
    const torch::Tensor slopes = edges.unsqueeze(0) - freqs.unsqueeze(1); // [bins, melBins + 2]
    const torch::Tensor down = -slopes.slice(1, 0, -2) / widths.slice(0, 0, -1);
    const torch::Tensor up = slopes.slice(1, 2) / widths.slice(0, 1);
    const torch::Tensor fb = torch::clamp_min(torch::min(down, up), 0.0).t(); // [melBins, bins]
    return torch::log(torch::clamp_min(fb.matmul(power), double(c.floor)));
}

} // namespace

/** The log-mel front end every audio encoder sees: framing, filterbank, log floor, speed. */
class TestMelSpectrogram final : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void frameCountFollowsCentrelessFraming()
    {
        const MelSpectrogram mel; // 400-sample window, 160 hop
        QCOMPARE(mel.frameCount(0), 0);
        QCOMPARE(mel.frameCount(1), 1);
        QCOMPARE(mel.frameCount(399), 1);
        QCOMPARE(mel.frameCount(400), 1);
        QCOMPARE(mel.frameCount(559), 1);
        QCOMPARE(mel.frameCount(560), 2);
        QCOMPARE(mel.frameCount(16000), 98);
        QCOMPARE(mel.frameCount(160000), 998);
        int frames = -1;
        QVERIFY(mel.compute(nullptr, 0, &frames).empty());
        QCOMPARE(frames, 0);
    }

    void shortClipIsZeroPadded()
    {
        const MelSpectrogram mel;
        std::vector<float> shortClip = tone(700.0, 250, 16000);
        int frames = 0;
        const std::vector<float> a = mel.compute(shortClip.data(), shortClip.size(), &frames);
        QCOMPARE(frames, 1);
        shortClip.resize(400, 0.0f);
        const std::vector<float> b = mel.compute(shortClip.data(), shortClip.size(), &frames);
        QCOMPARE(frames, 1);
        QCOMPARE(a, b);
    }

    void pureToneLandsInNearestBin_data()
    {
        QTest::addColumn<double>("hz");
        for (double hz : {150.0, 440.0, 1000.0, 2500.0, 3700.0, 6000.0, 7500.0})
            QTest::newRow(qPrintable(QString::number(hz))) << hz;
        // Off-centre tones: a fifth of the way towards the next bin's centre.
        const MelSpectrogram mel;
        for (int m : {8, 20, 33, 47, 58})
            QTest::newRow(qPrintable(QStringLiteral("bin %1 + 20%").arg(m)))
                << double(mel.binCentreHz(m) + 0.2f * (mel.binCentreHz(m + 1) - mel.binCentreHz(m)));
    }
    void pureToneLandsInNearestBin()
    {
        QFETCH(double, hz);
        const MelSpectrogram mel;
        QCOMPARE(loudestBin(mel, tone(hz, 8000, 16000)), nearestCentre(mel, hz));
    }

    void silenceGivesTheFloor()
    {
        MelConfig config;
        config.floor = 1e-8f;
        const MelSpectrogram mel(config);
        const std::vector<float> silence(16000, 0.0f);
        int frames = 0;
        const std::vector<float> out = mel.compute(silence.data(), silence.size(), &frames);
        QCOMPARE(out.size(), std::size_t(64 * 98));
        for (float v : out)
            QCOMPARE(v, std::log(1e-8f));
    }

    void filterbankRowsAreTrianglesAtTheirCentres()
    {
        const MelSpectrogram mel;
        const MelConfig &c = mel.config();
        const int bins = c.frequencyBins();
        const double binHz = double(c.sampleRate) / c.fftSize;
        QCOMPARE(int(mel.filterbank().size()), c.melBins * bins);
        QCOMPARE(MelSpectrogram::hzToMel(0.0f), 0.0f);
        QVERIFY(std::abs(MelSpectrogram::hzToMel(1000.0f) - 1000.0f) < 0.1f); // HTK: 1 kHz ≈ 1000 mel
        QVERIFY(std::abs(MelSpectrogram::melToHz(MelSpectrogram::hzToMel(4321.0f)) - 4321.0f) < 0.05f);
        const double step = MelSpectrogram::hzToMel(c.maxHz) / (c.melBins + 1);
        for (int m = 0; m < c.melBins; ++m) {
            const double centre = mel.binCentreHz(m);
            QVERIFY(std::abs(MelSpectrogram::hzToMel(float(centre)) - step * (m + 1)) < 0.05);
            const double left = m == 0 ? c.minHz : mel.binCentreHz(m - 1);
            const double right = m == c.melBins - 1 ? c.maxHz : mel.binCentreHz(m + 1);
            const float *row = mel.filterbank().data() + std::size_t(m) * std::size_t(bins);
            int peak = 0;
            for (int k = 0; k < bins; ++k) {
                const double hz = k * binHz;
                const double expected = std::max(0.0, std::min((hz - left) / (centre - left), (right - hz) / (right - centre)));
                QVERIFY2(std::abs(row[k] - expected) < 1e-5, qPrintable(QStringLiteral("mel %1 bin %2").arg(m).arg(k)));
                if (row[k] > row[peak])
                    peak = k;
            }
            QVERIFY2(std::abs(peak * binHz - centre) <= binHz, qPrintable(QStringLiteral("mel %1").arg(m)));
            // Rises up to the peak, falls after it.
            for (int k = 1; k <= peak; ++k)
                QVERIFY(row[k] >= row[k - 1]);
            for (int k = peak + 1; k < bins; ++k)
                QVERIFY(row[k] <= row[k - 1]);
        }
    }

    void matchesTorchReference_data()
    {
        QTest::addColumn<int>("sampleRate");
        QTest::addColumn<int>("windowLength");
        QTest::addColumn<int>("hopLength");
        QTest::addColumn<int>("fftSize");
        QTest::addColumn<int>("melBins");
        QTest::addColumn<double>("minHz");
        QTest::addColumn<double>("maxHz");
        QTest::addColumn<int>("samples");
        QTest::newRow("default, 2 s") << 16000 << 400 << 160 << 512 << 64 << 0.0 << 8000.0 << 32000;
        QTest::newRow("default, odd length") << 16000 << 400 << 160 << 512 << 64 << 0.0 << 8000.0 << 16789;
        QTest::newRow("22.05k, 1024 fft, 40 mels") << 22050 << 551 << 220 << 1024 << 40 << 50.0 << 9000.0 << 22050;
        QTest::newRow("window = fft") << 16000 << 256 << 128 << 256 << 32 << 20.0 << 7600.0 << 8000;
    }
    void matchesTorchReference()
    {
        QFETCH(int, sampleRate);
        QFETCH(int, windowLength);
        QFETCH(int, hopLength);
        QFETCH(int, fftSize);
        QFETCH(int, melBins);
        QFETCH(double, minHz);
        QFETCH(double, maxHz);
        QFETCH(int, samples);
        MelConfig c;
        c.sampleRate = sampleRate;
        c.windowLength = windowLength;
        c.hopLength = hopLength;
        c.fftSize = fftSize;
        c.melBins = melBins;
        c.minHz = float(minHz);
        c.maxHz = float(maxHz);
        const MelSpectrogram mel(c);
        QCOMPARE(mel.config().fftSize, fftSize);

        // A chirp plus noise: energy in every band, with a quiet stretch that nears the floor.
        std::mt19937 rng(5);
        std::normal_distribution<float> noise(0.0f, 0.05f);
        std::vector<float> s(static_cast<std::size_t>(samples));
        for (std::size_t i = 0; i < s.size(); ++i) {
            const double t = double(i) / sampleRate;
            s[i] = 0.4f * float(std::sin(2.0 * kPi * (100.0 + 2000.0 * t) * t)) + noise(rng);
            if (i > s.size() / 2 && i < s.size() / 2 + 2000)
                s[i] *= 1e-4f;
        }
        int frames = 0;
        const std::vector<float> ours = mel.compute(s.data(), s.size(), &frames);
        const torch::Tensor reference = torchReference(c, s);
        QCOMPARE(reference.size(0), int64_t(melBins));
        QCOMPARE(reference.size(1), int64_t(frames));
        const torch::Tensor got = torch::tensor(ours).to(torch::kFloat64).view({melBins, frames});
        const double maxDiff = (got - reference).abs().max().item<double>();
        QVERIFY2(maxDiff < 1e-3, qPrintable(QString::number(maxDiff)));
    }

    void tenSecondsTakeAFewMilliseconds()
    {
        const MelSpectrogram mel;
        std::mt19937 rng(1);
        std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
        std::vector<float> s(160000);
        for (float &v : s)
            v = noise(rng);
        qint64 best = std::numeric_limits<qint64>::max();
        int frames = 0;
        for (int run = 0; run < 10; ++run) {
            QElapsedTimer timer;
            timer.start();
            const std::vector<float> out = mel.compute(s.data(), s.size(), &frames);
            best = std::min(best, timer.nsecsElapsed());
            QCOMPARE(out.size(), std::size_t(64 * 998));
        }
        qInfo("10 s of 16 kHz audio -> 64 x %d log-mel in %.2f ms (best of 10)", frames, best / 1e6);
        // Generous bound for a loaded machine; it takes ~2 ms on one core.
        QVERIFY2(best < 20'000'000, qPrintable(QString::number(best / 1e6)));
    }
};

QTEST_GUILESS_MAIN(TestMelSpectrogram)
#include "test_melspectrogram.moc"

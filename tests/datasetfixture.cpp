#include "tests/datasetfixture.h"

#include "core/data/audiodecoder.h"
#include "tests/testsupport.h"

#include <QtCore/QDir>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>

namespace datasetfixture {

void rewriteImage(const QString &dir, int index, int red, int green, int blue, int size)
{
    QDir().mkpath(dir + QStringLiteral("/images"));
    const cv::Mat image(size, size, CV_8UC3, cv::Scalar(blue, green, red));
    const QString path = QStringLiteral("%1/images/s%2.png").arg(dir).arg(index);
    if (!cv::imwrite(path.toStdString(), image))
        qFatal("cannot write %s", qPrintable(path));
}

void write(const QString &dir, const Options &options)
{
    QDir().mkpath(dir + QStringLiteral("/audio"));
    QByteArray manifest;
    for (int i = 0; i < options.samples; ++i) {
        const bool a = i % 2 == 0;
        rewriteImage(dir, i, a ? 220 : 20, 30, a ? 20 : 220, options.imageSize);
        QJsonObject line{{QStringLiteral("id"), QStringLiteral("s%1").arg(i)},
                         {QStringLiteral("text"), a ? QStringLiteral("the red one") : QStringLiteral("the blue one")},
                         {QStringLiteral("image"), QStringLiteral("images/s%1.png").arg(i)},
                         {QStringLiteral("label"), a ? QStringLiteral("a") : QStringLiteral("b")}};
        if (options.withAudio) {
            const double seconds = 0.5 + 0.1 * (i % 5);
            std::vector<float> samples(std::size_t(seconds * 16000));
            for (std::size_t k = 0; k < samples.size(); ++k)
                samples[k] = 0.5f * float(std::sin(2.0 * M_PI * (a ? 440.0 : 880.0) * double(k) / 16000.0));
            const QString audio = QStringLiteral("audio/s%1.wav").arg(i);
            QString error;
            if (!encodeAudio(dir + QLatin1Char('/') + audio, samples, 16000, AudioFormat::Wav, &error))
                qFatal("cannot write audio fixture: %s", qPrintable(error));
            line.insert(QStringLiteral("audio"), audio);
        }
        if (options.withSplits) {
            const int r = i % 6;
            line.insert(QStringLiteral("split"), r < 4 ? QStringLiteral("train") : r == 4 ? QStringLiteral("val") : QStringLiteral("test"));
        }
        manifest += QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    }
    testsupport::writeFile(dir + QStringLiteral("/manifest.jsonl"), manifest);
}

void writeColourCaptions(const QString &dir, bool withLabels)
{
    static const char *const hues[12] = {"red", "orange", "yellow", "lime", "green", "teal", "cyan", "azure", "blue", "violet", "magenta", "pink"};
    QDir().mkpath(dir + QStringLiteral("/images"));
    QByteArray manifest;
    cv::RNG rng(7);
    int sample = 0;
    for (const char *split : {"train", "train", "train", "train", "val", "test"}) {
        for (int kind = 0; kind < 24; ++kind, ++sample) {
            const int hue = kind % 12;
            const bool bright = kind < 12;
            cv::Mat hsv(32, 32, CV_8UC3, cv::Scalar(hue * 15, 230, bright ? 240 : 110));
            cv::Mat noise(32, 32, CV_8UC3);
            rng.fill(noise, cv::RNG::UNIFORM, 0, 12);
            hsv += noise;
            cv::Mat bgr;
            cv::cvtColor(hsv, bgr, cv::COLOR_HSV2BGR);
            const QString image = QStringLiteral("images/s%1.png").arg(sample);
            if (!cv::imwrite((dir + QLatin1Char('/') + image).toStdString(), bgr))
                qFatal("cannot write %s/%s", qPrintable(dir), qPrintable(image));
            QJsonObject row{{QStringLiteral("id"), QStringLiteral("s%1").arg(sample)},
                            {QStringLiteral("text"), QStringLiteral("a %1 %2 square").arg(QLatin1String(bright ? "bright" : "dark"), QLatin1String(hues[hue]))},
                            {QStringLiteral("image"), image},
                            {QStringLiteral("split"), QLatin1String(split)}};
            if (withLabels && (sample % 3 != 0 || QLatin1String(split) != QLatin1String("train")))
                row.insert(QStringLiteral("label"), QLatin1String(bright ? "bright" : "dark"));
            manifest += QJsonDocument(row).toJson(QJsonDocument::Compact) + '\n';
        }
    }
    testsupport::writeFile(dir + QStringLiteral("/manifest.jsonl"), manifest);
}

} // namespace datasetfixture

#pragma once

// Tiny datasets and model/train settings shared by the training tests (header-only: each
// test executable compiles it once). Small enough that a run takes about a second.

#include "core/data/audiodecoder.h"
#include "core/data/dataset.h"
#include "core/model/modelconfig.h"
#include "core/train/trainconfig.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <random>

namespace trainfixtures {

struct TinyDataset
{
    int train = 48;
    int val = 16;
    int test = 16;
    bool invertValLabels = false; ///< val labels contradict the rule: validation loss rises as training learns
};

/**
 * Writes a folder whose label is the image's colour ("red" or "blue"), with uninformative
 * texts and tones; every third sample has no audio. Fails the test via qFatal on I/O errors.
 */
inline void writeTinyDataset(const QString &dir, const TinyDataset &spec = {})
{
    QDir().mkpath(dir + QStringLiteral("/images"));
    QDir().mkpath(dir + QStringLiteral("/audio"));
    std::mt19937 rng(7);
    const char *const texts[] = {"a small picture", "what colour is this", "name the colour", "tell me the colour please",
                                 "look at the square", "which one is it"};
    QByteArray manifest;
    const int total = spec.train + spec.val + spec.test;
    for (int i = 0; i < total; ++i) {
        const QString id = QStringLiteral("s%1").arg(i, 3, 10, QLatin1Char('0'));
        const QString split = i < spec.train ? QStringLiteral("train")
                              : i < spec.train + spec.val ? QStringLiteral("val") : QStringLiteral("test");
        const bool red = (i % 2) == 0;
        cv::Mat image(16, 16, CV_8UC3);
        for (int y = 0; y < 16; ++y) {
            for (int x = 0; x < 16; ++x) {
                const int noise = int(rng() % 60);
                const int strong = 170 + noise / 2;
                image.at<cv::Vec3b>(y, x) = red ? cv::Vec3b(uchar(noise), uchar(noise), uchar(strong))   // BGR
                                                : cv::Vec3b(uchar(strong), uchar(noise), uchar(noise));
            }
        }
        const QString imageName = QStringLiteral("images/%1.png").arg(id);
        if (!cv::imwrite(QDir(dir).filePath(imageName).toStdString(), image))
            qFatal("cannot write %s", qPrintable(imageName));

        QJsonObject row{{QStringLiteral("id"), id},
                        {QStringLiteral("text"), QString::fromLatin1(texts[rng() % 6])},
                        {QStringLiteral("image"), imageName},
                        {QStringLiteral("split"), split}};
        if (i % 3 != 2) {
            std::vector<float> samples(4000);
            const double hz = 200.0 + double(rng() % 600);
            for (std::size_t k = 0; k < samples.size(); ++k)
                samples[k] = float(0.3 * std::sin(2.0 * M_PI * hz * double(k) / 16000.0));
            const QString audioName = QStringLiteral("audio/%1.wav").arg(id);
            QString error;
            if (!encodeAudio(QDir(dir).filePath(audioName), samples, 16000, AudioFormat::Wav, &error))
                qFatal("cannot write %s: %s", qPrintable(audioName), qPrintable(error));
            row.insert(QStringLiteral("audio"), audioName);
        }
        const bool invert = spec.invertValLabels && split == QLatin1String("val");
        row.insert(QStringLiteral("label"), (red != invert) ? QStringLiteral("red") : QStringLiteral("blue"));
        manifest += QJsonDocument(row).toJson(QJsonDocument::Compact) + '\n';
    }
    QFile file(QDir(dir).filePath(QStringLiteral("manifest.jsonl")));
    if (!file.open(QIODevice::WriteOnly) || file.write(manifest) != manifest.size())
        qFatal("cannot write the manifest in %s", qPrintable(dir));
}

/** Small inputs so a step costs milliseconds. */
inline DatasetOptions tinyDatasetOptions()
{
    DatasetOptions options;
    options.preprocess.imageSize = 16;
    options.preprocess.mel.melBins = 16;
    options.preprocess.vocabSize = 40;
    options.preprocess.textLength = 8;
    options.threads = 1;
    return options;
}

inline ModelConfig tinyModel(const QString &fusion = QStringLiteral("concat"))
{
    ModelConfig model;
    model.fusion = fusion;
    model.textEncoder = QStringLiteral("mean");
    model.dim = 16;
    model.heads = 2;
    model.layers = 1;
    model.dropout = 0.1; // exercises the torch generator, which a resume must restore
    return model;
}

inline TrainConfig tinyTraining()
{
    TrainConfig train;
    train.epochs = 4;
    train.batchSize = 8;
    train.learningRate = 3e-3;
    train.threads = 1;
    train.logEverySteps = 1;
    train.checkpointEverySteps = 0;
    train.seed = 11;
    return train;
}

} // namespace trainfixtures

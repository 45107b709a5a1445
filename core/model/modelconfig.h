#pragma once

#include <QtCore/QJsonObject>
#include <QtCore/QString>
#include <QtCore/QStringList>

/**
 * What model to build: encoders, fusion strategy and sizes. The input shapes come from the
 * dataset (setInputShapes); everything else has a default that trains well on the demo.
 */
struct ModelConfig
{
    QString fusion = QStringLiteral("attention"); ///< concat|late|gated|tensor|lowrank|attention|graph
    QString textEncoder = QStringLiteral("transformer"); ///< mean|conv1d|gru|transformer
    QString imageEncoder = QStringLiteral("cnn"); ///< cnn, or a path to a TorchScript encoder file
    QString audioEncoder = QStringLiteral("cnn"); ///< cnn|gru, or a path to a TorchScript encoder file
    int dim = 64;         ///< token/feature width shared by all encoders
    int heads = 4;
    int layers = 2;
    double dropout = 0.1;

    // Input shapes, from the dataset's PreprocessConfig and label list.
    int numClasses = 2;
    int vocabSize = 256;
    int textLength = 16;
    int imageSize = 64;
    int melBins = 64;
    int audioFrames = 100;

    static QStringList fusionNames();
    static QStringList textEncoderNames();
    static QStringList audioEncoderNames();

    /** Empty when valid, else a sentence naming the bad field. */
    QString validate() const;
    QJsonObject toJson() const;
    static ModelConfig fromJson(const QJsonObject &json);
};

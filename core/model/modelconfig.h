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
    int layers = 0;       ///< fusion depth (attention, graph); 0 = the fusion's default, fusionLayers()
    double dropout = 0.1;
    int textLayers = 1;   ///< layers of the transformer text encoder (1..4)
    QString norm = QStringLiteral("batch"); ///< batch|group: normalisation in the CNN encoders
    int rank = 4;         ///< rank of the low-rank (LMF) fusion

    // Input shapes, from the dataset's PreprocessConfig and label list.
    int numClasses = 2;   ///< the model's outputs: classes (classify) or targets (regress)
    /**
     * The outputs are values (regress), not class logits. The attention readout then also maps
     * the attention weights themselves, so an output can be an expected position (a linear map
     * of log-weights, right for class scores, cannot average positions).
     */
    bool valueOutputs = false;
    int vocabSize = 256;
    int textLength = 16;
    int imageSize = 64;
    int melBins = 64;
    int audioFrames = 100;

    static QStringList fusionNames();
    static QStringList textEncoderNames();
    static QStringList imageEncoderNames();
    static QStringList audioEncoderNames();
    static QStringList normNames();

    /** The fusion depth built: `layers`, or when 0 one attention layer or two graph layers. */
    int fusionLayers() const;

    /** True when `name` is not a built-in encoder name and so names a TorchScript file. */
    static bool isEncoderFile(const QString &name);

    /** Empty when valid, else a sentence naming the bad field. */
    QString validate() const;
    QJsonObject toJson() const;
    /**
     * Missing fields keep their defaults. An unknown key or a value of the wrong type is an
     * error naming the key, reported through `error`.
     */
    static ModelConfig fromJson(const QJsonObject &json, QString *error = nullptr);
};

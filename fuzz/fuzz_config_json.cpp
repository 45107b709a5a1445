// meta.json and config.json: every parser that reads a JSON object a user or another tool
// wrote (ModelMeta, RunConfig and the configs inside them). What FusionScope writes it must
// read back: a meta.json or config.json accepted once is re-serialised and parsed again.
#include "core/data/preprocessconfig.h"
#include "core/eval/modelmeta.h"
#include "core/model/modelconfig.h"
#include "core/train/runconfig.h"
#include "core/train/trainconfig.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

[[noreturn]] void fail(const char *what, const QString &error)
{
    std::fprintf(stderr, "%s: %s\n", what, qPrintable(error));
    std::abort();
}

void parseAll(const QJsonObject &json)
{
    QString error;
    ModelMeta meta;
    if (ModelMeta::fromJson(json, &meta, &error)) {
        ModelMeta again;
        if (!ModelMeta::fromJson(meta.toJson(), &again, &error))
            fail("a meta.json FusionScope wrote back does not load", error);
    }
    RunConfig run;
    if (RunConfig::fromJson(json, &run, &error)) {
        RunConfig again;
        if (!RunConfig::fromJson(run.toJson(), &again, &error))
            fail("a config.json FusionScope wrote back does not load", error);
    }
    TrainConfig::fromJson(json, &error);
    ModelConfig::fromJson(json, &error);
    PreprocessConfig::fromJson(json);
    // The sections as they sit inside meta.json / config.json.
    for (const char *key : {"preprocess", "model", "train", "training", "token_layout"}) {
        const QJsonObject section = json.value(QLatin1String(key)).toObject();
        TrainConfig::fromJson(section, &error);
        ModelConfig::fromJson(section, &error);
        PreprocessConfig::fromJson(section);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size)), &parseError);
    if (document.isObject())
        parseAll(document.object());
    return 0;
}

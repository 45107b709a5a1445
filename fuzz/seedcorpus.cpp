// fusionscope_fuzz_seeds OUT: writes a seed corpus for every harness under OUT/<harness>/,
// built from the tests' own fixtures (tests/datasetfixture) and from what FusionScope itself
// writes (encodeAudio, ModelMeta/RunConfig::toJson, saveCheckpoint), so no binary seed needs
// committing. tools/fuzz.sh runs it before fuzzing.
#include "core/data/audiodecoder.h"
#include "core/eval/modelmeta.h"
#include "core/eval/retrievalindex.h"
#include "core/train/checkpoint.h"
#include "core/train/runconfig.h"
#include "fuzz/checkpointmodule.h"
#include "tests/datasetfixture.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>

#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace {

QString g_out;

void seed(const char *harness, const QString &name, const QByteArray &bytes)
{
    const QString dir = g_out + QLatin1Char('/') + QLatin1String(harness);
    QDir().mkpath(dir);
    QFile file(dir + QLatin1Char('/') + name);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size()) {
        std::fprintf(stderr, "fusionscope_fuzz_seeds: cannot write %s\n", qPrintable(file.fileName()));
        std::exit(1);
    }
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "fusionscope_fuzz_seeds: cannot read %s\n", qPrintable(path));
        std::exit(1);
    }
    return file.readAll();
}

/** The fixture's manifest, raw (missing-file issues) and pointing at the scratch folder's files. */
void manifestSeeds(const QString &fixture)
{
    const QByteArray manifest = readAll(fixture + QStringLiteral("/manifest.jsonl"));
    QString scratch = QString::fromUtf8(manifest);
    scratch.replace(QRegularExpression(QStringLiteral("images/s\\d+\\.png")), QStringLiteral("images/a.png"));
    scratch.replace(QRegularExpression(QStringLiteral("audio/s\\d+\\.wav")), QStringLiteral("audio/a.wav"));
    seed("fuzz_manifest_jsonl", QStringLiteral("fixture.jsonl"), manifest);
    seed("fuzz_manifest_jsonl", QStringLiteral("scratch.jsonl"), scratch.toUtf8());
    seed("fuzz_manifest_jsonl", QStringLiteral("variants.jsonl"),
         "{\"id\":\"t1\",\"text_file\":\"text/a.txt\",\"label\":\"x\",\"split\":\"val\"}\n"
         "{\"id\":\"t2\",\"text\":null,\"image\":\"images/a.png\",\"audio\":null,\"meta\":{\"target_box\":[1,2,3,4],\"n\":[{\"a\":[]}]}}\n"
         "{\"id\":3,\"text\":\"\\u4f60\\u597d \\ud83d\\ude00\",\"label\":5.0}\n"
         "{\"id\":\"t1\",\"text\":\"duplicate id\"}\n"
         "{\"id\":\"t4\",\"image\":\"../outside.png\",\"audio\":\"/etc/passwd\"}\n"
         "{\"file_name\":\"images/a.png\",\"text\":\"hf style\"}\n"
         "not json\n"
         "\n");

    // The same rows as CSV; the first byte picks the file name and --map (fuzz_manifest_csv.cpp).
    QByteArray csv = "id,text,image,audio,label,split\n";
    int row = 0;
    for (const QByteArray &line : scratch.toUtf8().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.isEmpty())
            continue;
        csv += o.value(QStringLiteral("id")).toString().toUtf8() + ",\"" + o.value(QStringLiteral("text")).toString().toUtf8()
               + "\"," + o.value(QStringLiteral("image")).toString().toUtf8() + ","
               + o.value(QStringLiteral("audio")).toString().toUtf8() + "," + o.value(QStringLiteral("label")).toString().toUtf8()
               + "," + o.value(QStringLiteral("split")).toString().toUtf8() + "\r\n";
        if (++row == 4)
            break;
    }
    seed("fuzz_manifest_csv", QStringLiteral("plain.csv"), QByteArray(1, '\0') + csv);
    seed("fuzz_manifest_csv", QStringLiteral("mapped.csv"),
         QByteArray(1, '\x01') + "key,caption,file_name,class\nk1,\"quoted, with \"\"comma\"\"\nand newline\",images/a.png,x\n"
                                 "k2,,images/a.png,\n\nk3,\"unterminated,images/a.png,y\n");
    seed("fuzz_manifest_csv", QStringLiteral("hf.csv"),
         QByteArray(1, '\x42') + "file_name,text\nimages/a.png,a caption\naudio/a.wav,\xff\xfe bad utf-8\n");
}

void imageSeeds(const QString &fixture)
{
    seed("fuzz_image", QStringLiteral("fixture.png"), readAll(fixture + QStringLiteral("/images/s0.png")));
    cv::Mat colour(6, 5, CV_8UC3, cv::Scalar(10, 200, 30));
    cv::Mat alpha(4, 4, CV_8UC4, cv::Scalar(1, 2, 3, 128));
    cv::Mat grey16(3, 7, CV_16UC1, cv::Scalar(40000));
    const struct { const char *ext; const cv::Mat *image; } kinds[] = {
        {".jpg", &colour}, {".bmp", &colour}, {".webp", &colour}, {".tiff", &colour},
        {".png", &alpha}, {".png", &grey16}, {".tiff", &grey16},
    };
    int index = 0;
    for (const auto &kind : kinds) {
        std::vector<uchar> bytes;
        if (!cv::imencode(kind.ext, *kind.image, bytes))
            continue; // a codec this OpenCV lacks: no seed, no failure
        seed("fuzz_image", QStringLiteral("seed%1%2").arg(index++).arg(QLatin1String(kind.ext)),
             QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())));
    }
    seed("fuzz_image", QStringLiteral("gif.gif"), QByteArray("GIF89a\x02\x00\x02\x00\x00\x00\x00", 13));
}

void audioSeeds(const QString &fixture, const QString &tmp)
{
    seed("fuzz_audio", QStringLiteral("fixture.wav"), readAll(fixture + QStringLiteral("/audio/s0.wav")));
    std::vector<float> tone(1600);
    for (std::size_t k = 0; k < tone.size(); ++k)
        tone[k] = 0.3f * float(std::sin(2.0 * M_PI * 440.0 * double(k) / 8000.0));
    const struct { AudioFormat format; const char *ext; } formats[] = {
        {AudioFormat::Flac, "flac"}, {AudioFormat::Ogg, "ogg"}, {AudioFormat::Mp3, "mp3"}, {AudioFormat::M4a, "m4a"},
    };
    for (const auto &f : formats) {
        const QString path = tmp + QStringLiteral("/tone.") + QLatin1String(f.ext);
        QString error;
        if (encodeAudio(path, tone, 8000, f.format, &error))
            seed("fuzz_audio", QStringLiteral("tone.") + QLatin1String(f.ext), readAll(path));
        else
            std::fprintf(stderr, "fusionscope_fuzz_seeds: no %s seed: %s\n", f.ext, qPrintable(error));
    }
}

void configSeeds()
{
    ModelMeta meta;
    meta.labels = QStringList{QStringLiteral("a"), QStringLiteral("b")};
    seed("fuzz_config_json", QStringLiteral("meta.json"), QJsonDocument(meta.toJson()).toJson());
    seed("fuzz_config_json", QStringLiteral("partial_meta.json"),
         "{\"format_version\":1,\"labels\":[\"x\"],\"token_layout\":{\"text_length\":16,\"image_grid\":[4,4]}}");
    RunConfig run;
    run.datasetPath = QStringLiteral("/data/demo");
    seed("fuzz_config_json", QStringLiteral("config.json"), QJsonDocument(run.toJson()).toJson());
}

void checkpointSeeds(const QString &tmp)
{
    torch::jit::Module module = makeCheckpointModule();
    const std::unique_ptr<torch::optim::Optimizer> optimizer = makeCheckpointOptimizer(module);
    TrainState state;
    state.epoch = 2;
    state.step = 17;
    QString error;
    const QString last = tmp + QStringLiteral("/last.pt");
    const QString best = tmp + QStringLiteral("/best.pt");
    if (!saveCheckpoint(last, module, *optimizer, state, &error) || !saveWeights(best, module, &error)) {
        std::fprintf(stderr, "fusionscope_fuzz_seeds: %s\n", qPrintable(error));
        std::exit(1);
    }
    seed("fuzz_checkpoint", QStringLiteral("last.pt"), readAll(last));
    seed("fuzz_checkpoint", QStringLiteral("best.pt"), readAll(best));
}

/** A small index as `retrieve` writes it; the harness loads it with key "fuzz". */
void retrievalIndexSeeds(const QString &tmp)
{
    constexpr int kDim = 4;
    std::vector<RetrievalIndex::Entry> entries;
    for (int i = 0; i < 5; ++i) {
        RetrievalIndex::Entry entry;
        entry.id = QStringLiteral("s%1").arg(i);
        entry.split = QStringLiteral("test");
        entry.label = i % 2 ? QStringLiteral("red circle") : QStringLiteral("blue star");
        entry.text = QStringLiteral("caption %1").arg(i % 3); // two rows share a caption
        entry.imagePath = QStringLiteral("images/%1.png").arg(i);
        entry.audioPath = i == 4 ? QString() : QStringLiteral("audio/%1.ogg").arg(i);
        entry.present = {true, true, i != 4};
        entries.push_back(entry);
    }
    std::array<std::vector<float>, 3> embeddings;
    for (int modality = 0; modality < 3; ++modality)
        for (int i = 0; i < int(entries.size()) * kDim; ++i)
            embeddings[std::size_t(modality)].push_back(float((i * 7 + modality) % 5) / 5.0f);
    RetrievalIndex index;
    index.assign(QStringLiteral("fuzz"), std::move(entries), kDim, std::move(embeddings));
    const QString path = tmp + QStringLiteral("/index.fsri");
    QString error;
    if (!index.save(path, &error)) {
        std::fprintf(stderr, "fusionscope_fuzz_seeds: %s\n", qPrintable(error));
        std::exit(1);
    }
    seed("fuzz_retrieval_index", QStringLiteral("index.fsri"), readAll(path));
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: fusionscope_fuzz_seeds OUT_DIR\n");
        return 2;
    }
    g_out = QString::fromLocal8Bit(argv[1]);
    QTemporaryDir tmp;
    const QString fixture = tmp.filePath(QStringLiteral("fixture"));
    datasetfixture::Options options;
    options.samples = 6;
    options.imageSize = 8;
    datasetfixture::write(fixture, options);
    manifestSeeds(fixture);
    imageSeeds(fixture);
    audioSeeds(fixture, tmp.path());
    configSeeds();
    checkpointSeeds(tmp.path());
    retrievalIndexSeeds(tmp.path());
    std::printf("seed corpora written under %s\n", argv[1]);
    return 0;
}

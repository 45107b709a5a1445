#include "core/demo/shapesavgenerator.h"

#include "core/data/audiodecoder.h"
#include "core/demo/objectscene.h"
#include "core/demo/samplerng.h"
#include "core/demo/scenerenderer.h"
#include "core/demo/shapesavfolder.h"
#include "core/demo/shapesavscene.h"
#include "core/demo/speechbank.h"
#include "core/util/threads.h"

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSaveFile>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

namespace {

/** How one sample's speech is placed and degraded. */
struct ClipMix
{
    int index = 0;
    double leadSeconds = 0.1;
    double tailSeconds = 0.1;
    double gainDb = 0.0;
    double snrDb = 20.0;
};

/** Speech placed after random silence, scaled, and buried in white noise at the scene's SNR. */
std::vector<float> mixClip(const std::vector<float> &speech, const ClipMix &scene, std::uint64_t seed)
{
    const size_t lead = size_t(scene.leadSeconds * kShapesAvAudioRate);
    const size_t tail = size_t(scene.tailSeconds * kShapesAvAudioRate);
    const float gain = float(std::pow(10.0, scene.gainDb / 20.0));
    double energy = 0.0;
    for (float v : speech)
        energy += double(v) * v;
    const double rms = std::sqrt(energy / double(std::max<size_t>(1, speech.size()))) * gain;
    const double noiseSigma = rms / std::pow(10.0, scene.snrDb / 20.0);

    std::vector<float> out(lead + speech.size() + tail, 0.0f);
    for (size_t i = 0; i < speech.size(); ++i)
        out[lead + i] = speech[i] * gain;
    SampleRng noise(seed, std::uint64_t(scene.index), /*stream=*/2);
    for (float &v : out)
        v = std::clamp(float(v + noiseSigma * noise.normal()), -1.0f, 1.0f);
    return out;
}

QString jsonString(const QString &text)
{
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

QString sampleId(int index, int samples)
{
    const int width = std::max(5, int(QString::number(samples).size()));
    return QStringLiteral("s%1").arg(index + 1, width, 10, QLatin1Char('0'));
}

/** One manifest line, keys in DESIGN.md's order (QJsonObject would sort them). */
/** The target's centre, fractions of the image side: the "position" kind's label. */
QString positionLabel(const ShapesAvObject &target)
{
    const double x = ((target.cell % 3) + 0.5 + target.offsetX) / 3.0;
    const double y = ((target.cell / 3) + 0.5 + target.offsetY) / 3.0;
    const auto rounded = [](double value) { return QString::number(std::round(value * 1e4) / 1e4, 'g', 6); };
    return QStringLiteral(R"({"x":%1,"y":%2})").arg(rounded(x), rounded(y));
}

/**
 * The "matches" kind's label: every cell whose object has the named shape or the spoken
 * colour (the target, the other object of its shape, the other of its colour), as a list.
 */
QString matchesLabel(const ShapesAvScene &scene)
{
    const ShapesAvObject &target = scene.targetObject();
    std::vector<int> cells;
    for (const ShapesAvObject &object : scene.objects) {
        if (object.shape == target.shape || object.colour == target.colour)
            cells.push_back(object.cell);
    }
    std::sort(cells.begin(), cells.end());
    QStringList names;
    for (int cell : cells)
        names << jsonString(QStringLiteral("cell_%1").arg(cell));
    return QLatin1Char('[') + names.join(QLatin1Char(',')) + QLatin1Char(']');
}

QString labelOf(const ShapesAvScene &scene, const QString &kind)
{
    if (kind == QLatin1String("position"))
        return positionLabel(scene.targetObject());
    if (kind == QLatin1String("matches"))
        return matchesLabel(scene);
    return jsonString(scene.label());
}

QByteArray manifestLine(const ShapesAvScene &scene, const QString &id, int imageSize, const QString &kind)
{
    const ShapesAvObject &target = scene.targetObject();
    const std::array<int, 4> box = shapesAvCellBox(target.cell, imageSize);
    QJsonArray objects;
    for (const ShapesAvObject &object : scene.objects) {
        objects.append(QJsonObject{{QStringLiteral("cell"), object.cell},
                                   {QStringLiteral("shape"), shapesAvShapeName(object.shape)},
                                   {QStringLiteral("colour"), shapesAvColourName(object.colour)}});
    }
    const QJsonObject meta{
        {QStringLiteral("target_box"), QJsonArray{box[0], box[1], box[2], box[3]}},
        {QStringLiteral("shape"), shapesAvShapeName(target.shape)},
        {QStringLiteral("colour"), shapesAvColourName(target.colour)},
        {QStringLiteral("voice"), QLatin1String(shapesAvVoices()[size_t(scene.voice)].name)},
        {QStringLiteral("speed"), shapesAvSpeeds()[size_t(scene.speed)]},
        {QStringLiteral("snr_db"), std::round(scene.snrDb * 10.0) / 10.0},
        {QStringLiteral("language"), scene.language},
        {QStringLiteral("objects"), objects},
    };
    const QString line = QStringLiteral(R"({"id":%1,"text":%2,"image":%3,"audio":%4,"label":%5,"split":%6,"meta":%7})")
                             .arg(jsonString(id), jsonString(scene.text),
                                  jsonString(QStringLiteral("images/%1.png").arg(id)),
                                  jsonString(QStringLiteral("audio/%1.ogg").arg(id)),
                                  labelOf(scene, kind),
                                  jsonString(splitName(scene.split)),
                                  QString::fromUtf8(QJsonDocument(meta).toJson(QJsonDocument::Compact)));
    return line.toUtf8() + '\n';
}

bool writeBytes(const QString &path, const QByteArray &bytes, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

/** Shared state of the worker threads; each sample index is claimed exactly once. */
struct Work
{
    const ShapesAvOptions *options = nullptr;
    const SpeechBank *speech = nullptr;
    QString root; ///< a plain string: QDir's lazy caches are not meant for concurrent use
    std::vector<QByteArray> lines;
    std::vector<qint64> sizes;
    std::atomic<int> next{0};
    std::atomic<int> done{0};
    std::atomic_bool failed{false};
    std::mutex errorMutex;
    QString error;
    const CancelFlag *cancel = nullptr;

    void fail(const QString &message)
    {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (error.isEmpty())
            error = message;
        failed = true;
    }
};

/** "red circle": the colour word, a pause, the shape word, in the scene's voice and speed. */
std::vector<float> objectSpeech(const SpeechBank &speech, const ObjectScene &scene)
{
    std::vector<float> words = speech.clip(scene.object.colour, scene.voice, scene.speed);
    words.resize(words.size() + size_t(scene.gapSeconds * kShapesAvAudioRate), 0.0f);
    const std::vector<float> &shape = speech.shapeClip(scene.object.shape, scene.voice, scene.speed);
    words.insert(words.end(), shape.begin(), shape.end());
    return words;
}

QByteArray objectManifestLine(const ObjectScene &scene, const QString &id, int imageSize)
{
    const std::array<int, 4> box = scene.box(imageSize);
    const QJsonObject meta{
        {QStringLiteral("target_box"), QJsonArray{box[0], box[1], box[2], box[3]}},
        {QStringLiteral("shape"), shapesAvShapeName(scene.object.shape)},
        {QStringLiteral("colour"), shapesAvColourName(scene.object.colour)},
        {QStringLiteral("voice"), QLatin1String(shapesAvVoices()[size_t(scene.voice)].name)},
        {QStringLiteral("speed"), shapesAvSpeeds()[size_t(scene.speed)]},
        {QStringLiteral("snr_db"), std::round(scene.snrDb * 10.0) / 10.0},
        {QStringLiteral("language"), scene.language},
        {QStringLiteral("clutter"), int(scene.clutter.size())},
    };
    const auto orNull = [](bool present, const QString &value) { return present ? jsonString(value) : QStringLiteral("null"); };
    const QString line = QStringLiteral(R"({"id":%1,"text":%2,"image":%3,"audio":%4,"label":%5,"split":%6,"meta":%7})")
                             .arg(jsonString(id), orNull(scene.hasText(), scene.text),
                                  orNull(scene.hasImage, QStringLiteral("images/%1.png").arg(id)),
                                  orNull(scene.hasAudio, QStringLiteral("audio/%1.ogg").arg(id)),
                                  jsonString(scene.label()), jsonString(splitName(scene.split)),
                                  QString::fromUtf8(QJsonDocument(meta).toJson(QJsonDocument::Compact)));
    return line.toUtf8() + '\n';
}

/** One Objects-AV sample's files and manifest line; false after work->fail(). */
bool renderObjectSample(Work *work, int index)
{
    const ShapesAvOptions &options = *work->options;
    const ObjectScene scene = makeObjectScene(options.seed, index);
    const QString id = sampleId(index, options.samples);
    QString error;
    qint64 bytes = 0;
    if (scene.hasImage) {
        const QByteArray png = renderObjectPng(scene, options.imageSize, &error);
        if (png.isEmpty() || !writeBytes(QStringLiteral("%1/images/%2.png").arg(work->root, id), png, &error)) {
            work->fail(error);
            return false;
        }
        bytes += png.size();
    }
    if (scene.hasAudio) {
        const std::vector<float> clip = mixClip(objectSpeech(*work->speech, scene),
                                                {scene.index, scene.leadSeconds, scene.tailSeconds, scene.gainDb, scene.snrDb}, options.seed);
        const QString audioPath = QStringLiteral("%1/audio/%2.ogg").arg(work->root, id);
        if (!encodeAudio(audioPath, clip, kShapesAvAudioRate, AudioFormat::Ogg, &error)) {
            work->fail(QStringLiteral("sample %1: cannot write %2: %3").arg(id, audioPath, error));
            return false;
        }
        bytes += QFileInfo(audioPath).size();
    }
    work->lines[size_t(index)] = objectManifestLine(scene, id, options.imageSize);
    work->sizes[size_t(index)] = bytes;
    ++work->done;
    return true;
}

void renderSamples(Work *work)
{
    const ShapesAvOptions &options = *work->options;
    const bool objects = options.kind == QLatin1String("objects");
    for (int index = work->next++; index < options.samples; index = work->next++) {
        if (work->failed || (work->cancel && *work->cancel))
            return;
        if (objects) {
            if (!renderObjectSample(work, index))
                return;
            continue;
        }
        const ShapesAvScene scene = makeShapesAvScene(options.seed, index);
        const QString id = sampleId(index, options.samples);
        QString error;
        const QByteArray png = renderShapesAvPng(scene, options.imageSize, &error);
        const QString imagePath = QStringLiteral("%1/images/%2.png").arg(work->root, id);
        if (png.isEmpty() || !writeBytes(imagePath, png, &error)) {
            work->fail(error);
            return;
        }
        const ShapesAvObject &target = scene.targetObject();
        const std::vector<float> clip = mixClip(work->speech->clip(target.colour, scene.voice, scene.speed),
                                                {scene.index, scene.leadSeconds, scene.tailSeconds, scene.gainDb, scene.snrDb}, options.seed);
        const QString audioPath = QStringLiteral("%1/audio/%2.ogg").arg(work->root, id);
        if (!encodeAudio(audioPath, clip, kShapesAvAudioRate, AudioFormat::Ogg, &error)) {
            work->fail(QStringLiteral("sample %1: cannot write %2: %3").arg(id, audioPath, error));
            return;
        }
        work->lines[size_t(index)] = manifestLine(scene, id, options.imageSize, options.kind);
        work->sizes[size_t(index)] = png.size() + QFileInfo(audioPath).size();
        ++work->done;
    }
}

} // namespace

QStringList shapesAvKinds()
{
    return {QStringLiteral("cells"), QStringLiteral("position"), QStringLiteral("matches"), QStringLiteral("objects")};
}

bool generateShapesAv(const ShapesAvOptions &options, const ProgressCallback &progress, ShapesAvSummary *summary,
                      QString *error, const CancelFlag *cancel)
{
    QElapsedTimer clock;
    clock.start();
    QString message;
    auto failWith = [&](const QString &text) {
        if (error)
            *error = text;
        return false;
    };
    if (!shapesAvKinds().contains(options.kind))
        return failWith(QStringLiteral("--kind must be %1, got '%2'").arg(shapesAvKinds().join(QStringLiteral(" or ")), options.kind));
    if (options.samples < 1)
        return failWith(QStringLiteral("the number of samples must be at least 1"));
    if (options.imageSize < kShapesAvMinImageSize || options.imageSize > kShapesAvMaxImageSize)
        return failWith(QStringLiteral("the image size must be from %1 to %2 pixels").arg(kShapesAvMinImageSize).arg(kShapesAvMaxImageSize));
    if (!prepareShapesAvFolder(options.outDir, options.force, &message))
        return failWith(message);
    const QDir root(options.outDir);
    if (!writeShapesAvReadme(root.filePath(QStringLiteral("README.txt")), options, &message))
        return failWith(message);

    SpeechBank speech;
    if (options.kind == QLatin1String("objects"))
        speech.includeShapes();
    const bool spoken = speech.synthesise(&message, [&](int done, int total) {
        if (progress)
            progress(Progress{QStringLiteral("speech"), done, total, {}});
    });
    if (!spoken)
        return failWith(message);

    Work work;
    work.options = &options;
    work.speech = &speech;
    work.root = root.absolutePath();
    work.lines.resize(size_t(options.samples));
    work.sizes.resize(size_t(options.samples), 0);
    work.cancel = cancel;
    const int threads = std::clamp(options.threads > 0 ? options.threads : availableCores(), 1, options.samples);
    std::vector<std::thread> workers;
    for (int i = 0; i < threads; ++i)
        workers.emplace_back(renderSamples, &work);
    // The workers report through counters; progress is called here, on the caller's thread.
    while (work.done < options.samples && !work.failed && !(cancel && *cancel)) {
        if (progress)
            progress(Progress{QStringLiteral("samples"), work.done, options.samples, {}});
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (std::thread &worker : workers)
        worker.join();
    if (work.failed)
        return failWith(work.error);
    if (cancel && *cancel)
        return failWith(QStringLiteral("cancelled"));
    if (progress)
        progress(Progress{QStringLiteral("samples"), work.done, options.samples, {}});

    QSaveFile manifest(root.filePath(QStringLiteral("manifest.jsonl")));
    if (!manifest.open(QIODevice::WriteOnly))
        return failWith(QStringLiteral("cannot write %1: %2").arg(manifest.fileName(), manifest.errorString()));
    qint64 bytes = 0;
    ShapesAvSummary result;
    for (int index = 0; index < options.samples; ++index) {
        manifest.write(work.lines[size_t(index)]);
        bytes += work.sizes[size_t(index)];
        ++result.splitCounts[int(shapesAvSplit(options.seed, index))];
    }
    if (!manifest.commit())
        return failWith(QStringLiteral("cannot write %1: %2").arg(manifest.fileName(), manifest.errorString()));

    result.samples = options.samples;
    result.bytes = bytes + QFileInfo(root.filePath(QStringLiteral("manifest.jsonl"))).size()
                   + QFileInfo(root.filePath(QStringLiteral("README.txt"))).size();
    result.seconds = clock.elapsed() / 1000.0;
    if (summary)
        *summary = result;
    return true;
}

// DatasetBuilder's second half: text tokens and normalisation statistics, both measured on
// the training split only so that validation and test stay unseen.

#include "core/data/datasetbuilder.h"
#include "core/util/parallelfor.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace {

/** At most `limit` indices of `split` samples (or of all samples when the split is empty), evenly spaced. */
std::vector<int> statisticsSample(const Dataset &dataset, int limit)
{
    std::vector<int> indices = dataset.indices(Split::Train);
    if (indices.empty()) {
        indices.resize(std::size_t(dataset.size()));
        for (int i = 0; i < dataset.size(); ++i)
            indices[std::size_t(i)] = i;
    }
    if (int(indices.size()) <= limit)
        return indices;
    std::vector<int> picked;
    const double stride = double(indices.size()) / limit;
    for (int k = 0; k < limit; ++k)
        picked.push_back(indices[std::size_t(k * stride)]);
    return picked;
}

struct PixelSums
{
    std::uint64_t sum = 0;
    std::uint64_t squares = 0;
};

/** Exact integer sums of bytes and their squares: these loops run over every statistics
 *  pixel on each open, and integers vectorise where a double accumulator cannot. */
PixelSums pixelSums(const std::uint8_t *plane, std::size_t pixels)
{
    PixelSums total;
    // 255² × 65536 still fits 32 bits.
    constexpr std::size_t kBlock = 65536;
    for (std::size_t start = 0; start < pixels; start += kBlock) {
        const std::size_t end = std::min(pixels, start + kBlock);
        std::uint32_t s = 0, q = 0;
        for (std::size_t p = start; p < end; ++p) {
            const std::uint32_t v = plane[p];
            s += v;
            q += v * v;
        }
        total.sum += s;
        total.squares += q;
    }
    return total;
}

/** Sum and sum of squares in double over four independent lanes, so the additions overlap
 *  instead of waiting on one another. */
std::pair<double, double> melSums(const float *mel, std::size_t n)
{
    double s[4] = {0, 0, 0, 0};
    double q[4] = {0, 0, 0, 0};
    std::size_t k = 0;
    for (; k + 4 <= n; k += 4) {
        for (int lane = 0; lane < 4; ++lane) {
            const double v = mel[k + std::size_t(lane)];
            s[lane] += v;
            q[lane] += v * v;
        }
    }
    for (; k < n; ++k) {
        s[0] += mel[k];
        q[0] += double(mel[k]) * mel[k];
    }
    return {(s[0] + s[1]) + (s[2] + s[3]), (q[0] + q[1]) + (q[2] + q[3])};
}

} // namespace

void DatasetBuilder::prepareText(Dataset &dataset)
{
    PreprocessConfig &pre = dataset.m_preprocess;
    QString error;
    if (!m_options.tokenizerModel.empty()) {
        if (!dataset.m_tokenizer.loadFromBytes(m_options.tokenizerModel, &error))
            dataset.m_issues.append({{}, {}, 0, QStringLiteral("tokenizer: %1").arg(error)});
    } else {
        QStringList texts;
        for (int i : statisticsSample(dataset, 1 << 30)) {
            if (dataset.record(i).hasText())
                texts << dataset.record(i).text;
        }
        if (!texts.isEmpty()) {
            // Keyed by the training texts and size: reopening reuses the model instead of retraining.
            QCryptographicHash hash(QCryptographicHash::Sha1);
            hash.addData(QByteArray::number(pre.vocabSize));
            for (const QString &text : std::as_const(texts))
                hash.addData(text.toUtf8().append('\n'));
            const QString cacheDir = dataset.m_cacheStats.directory;
            QString modelPath = cacheDir.isEmpty() ? QString()
                : QDir(cacheDir).filePath(QStringLiteral("tokenizer-%1.model")
                                              .arg(QString::fromLatin1(hash.result().toHex().left(16))));
            // Only a regular file the cache wrote: opening a FIFO put in its place would block,
            // and saving would write into it. Anything else there is removed (a link, not its target).
            const QFileInfo modelInfo(modelPath);
            if (!modelPath.isEmpty() && (modelInfo.exists() || modelInfo.isSymLink())
                && (!modelInfo.isFile() || modelInfo.isSymLink()) && !QFile::remove(modelPath))
                modelPath.clear();
            const bool cached = !modelPath.isEmpty() && modelInfo.isFile() && !modelInfo.isSymLink()
                                && dataset.m_tokenizer.load(modelPath, &error);
            if (!cached) {
                report(QStringLiteral("training tokenizer"), 0, 0);
                if (!dataset.m_tokenizer.train(texts, pre.vocabSize, &error))
                    dataset.m_issues.append({{}, {}, 0, QStringLiteral("tokenizer training failed: %1").arg(error)});
                else if (!modelPath.isEmpty())
                    dataset.m_tokenizer.save(modelPath, &error);
            }
        }
    }
    const bool haveTokenizer = dataset.m_tokenizer.isLoaded();
    if (haveTokenizer)
        pre.vocabSize = dataset.m_tokenizer.vocabSize();
    dataset.m_tokens.assign(std::size_t(dataset.size()), std::vector<std::int64_t>(std::size_t(pre.textLength), 0));
    if (!haveTokenizer)
        return;
    // encode() is const and thread-safe; SentencePiece takes ~10 µs a text.
    const int threads = dataset.size() >= 4096 ? m_options.threads : 1;
    parallelFor(dataset.size(), threads, [&](int i) {
        if (dataset.record(i).hasText())
            dataset.m_tokens[std::size_t(i)] = dataset.m_tokenizer.encode(dataset.record(i).text, pre.textLength);
    });
}

void DatasetBuilder::measureNormalisation(Dataset &dataset) const
{
    PreprocessConfig &pre = dataset.m_preprocess;
    const std::vector<int> sample = statisticsSample(dataset, 2000);
    const std::size_t pixels = std::size_t(pre.imageSize) * std::size_t(pre.imageSize);

    double sum[3] = {0, 0, 0};
    double squares[3] = {0, 0, 0};
    double count = 0;
    double melSum = 0;
    double melSquares = 0;
    double melCount = 0;
    std::vector<double> seconds;
    for (int i : sample) {
        if (const std::uint8_t *image = dataset.image(i)) {
            for (int c = 0; c < 3; ++c) {
                const PixelSums plane = pixelSums(image + std::size_t(c) * pixels, pixels);
                sum[c] += double(plane.sum) / 255.0;
                squares[c] += double(plane.squares) / (255.0 * 255.0);
            }
            count += double(pixels);
        }
        int frames = 0;
        if (const float *mel = dataset.mel(i, &frames)) {
            const std::size_t n = std::size_t(frames) * std::size_t(pre.mel.melBins);
            const std::pair<double, double> sums = melSums(mel, n);
            melSum += sums.first;
            melSquares += sums.second;
            melCount += double(n);
            seconds.push_back(dataset.audioSeconds(i));
        }
    }
    if (count > 0) {
        for (int c = 0; c < 3; ++c) {
            const double mean = sum[c] / count;
            pre.imageMean[c] = float(mean);
            pre.imageStd[c] = float(std::max(1e-3, std::sqrt(std::max(0.0, squares[c] / count - mean * mean))));
        }
    }
    if (melCount > 0) {
        const double mean = melSum / melCount;
        pre.melMean = float(mean);
        pre.melStd = float(std::max(1e-3, std::sqrt(std::max(0.0, melSquares / melCount - mean * mean))));
    }
    if (pre.audioSeconds <= 0.0 && !seconds.empty()) {
        // DESIGN.md: the 95th percentile of the training clips, capped; never shorter than one window.
        std::sort(seconds.begin(), seconds.end());
        const double p95 = seconds[std::min(seconds.size() - 1, std::size_t(0.95 * double(seconds.size())))];
        const double minimum = double(pre.mel.windowLength) / pre.mel.sampleRate;
        pre.audioSeconds = std::clamp(p95, minimum, pre.maxAudioSeconds);
    }
}

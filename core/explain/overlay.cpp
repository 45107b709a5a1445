#include "core/explain/overlay.h"

#include "core/data/dataset.h"
#include "core/explain/pointinggame.h"

#include <QtCore/QDir>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace {

constexpr double kAlpha = 0.5; // heat over image: half and half keeps the shapes readable

QByteArray encodePng(const cv::Mat &image, QString *error)
{
    std::vector<uchar> bytes;
    try {
        if (!cv::imencode(".png", image, bytes)) {
            *error = QStringLiteral("OpenCV could not encode the PNG");
            return {};
        }
    } catch (const cv::Exception &e) {
        *error = QStringLiteral("OpenCV could not encode the PNG: %1").arg(QString::fromStdString(e.msg));
        return {};
    }
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

/** Values scaled to 0..255 by their own range (a flat input gives 0). */
cv::Mat toBytes(const cv::Mat &values)
{
    double lo = 0.0;
    double hi = 0.0;
    cv::minMaxLoc(values, &lo, &hi);
    cv::Mat out;
    values.convertTo(out, CV_8U, hi > lo ? 255.0 / (hi - lo) : 0.0, hi > lo ? -lo * 255.0 / (hi - lo) : 0.0);
    return out;
}

QString asciiPiece(const QString &piece)
{
    QString out;
    for (const QChar c : piece) {
        if (c == QChar(0x2581))
            out += QLatin1Char(' ');
        else
            out += c.unicode() >= 32 && c.unicode() < 127 ? c : QLatin1Char('?');
    }
    return out;
}

bool writeBytes(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

QByteArray renderImageOverlay(const QString &imagePath, const std::uint8_t *fallbackChw, int fallbackSize,
                              const std::vector<float> &heat, int gridH, int gridW, const PixelRect *box, QString *error)
{
    if (gridH <= 0 || gridW <= 0 || heat.size() != std::size_t(gridH) * std::size_t(gridW)) {
        *error = QStringLiteral("no image attention to draw");
        return {};
    }
    cv::Mat image;
    if (!imagePath.isEmpty())
        image = cv::imread(imagePath.toStdString(), cv::IMREAD_COLOR);
    if (image.empty() && fallbackChw && fallbackSize > 0) {
        const int plane = fallbackSize * fallbackSize;
        image.create(fallbackSize, fallbackSize, CV_8UC3);
        for (int p = 0; p < plane; ++p)
            image.at<cv::Vec3b>(p / fallbackSize, p % fallbackSize) = cv::Vec3b(fallbackChw[2 * plane + p], fallbackChw[plane + p], fallbackChw[p]);
    }
    if (image.empty()) {
        *error = QStringLiteral("cannot read %1").arg(imagePath);
        return {};
    }
    const int width = image.cols;
    const int height = image.rows;
    // Display scale: enlarge tiny images, shrink huge ones; the box scales with them.
    const double longest = std::max(width, height);
    const double scale = longest < 256.0 ? std::ceil(256.0 / longest) : longest > 1024.0 ? 1024.0 / longest : 1.0;
    if (scale != 1.0)
        cv::resize(image, image, cv::Size(), scale, scale, scale > 1.0 ? cv::INTER_NEAREST : cv::INTER_AREA);

    const cv::Mat grid(gridH, gridW, CV_32F, const_cast<float *>(heat.data()));
    cv::Mat upsampled;
    cv::resize(toBytes(grid), upsampled, image.size(), 0, 0, cv::INTER_LINEAR);
    cv::Mat coloured;
    cv::applyColorMap(upsampled, coloured, cv::COLORMAP_INFERNO);
    cv::Mat blended;
    cv::addWeighted(image, 1.0 - kAlpha, coloured, kAlpha, 0.0, blended);

    TokenGeometry geometry;
    geometry.gridH = gridH;
    geometry.gridW = gridW;
    const PixelRect peak = geometry.imageTokenRect(peakIndex(heat), blended.cols, blended.rows);
    cv::rectangle(blended, cv::Rect(peak.x0, peak.y0, peak.x1 - peak.x0, peak.y1 - peak.y0), cv::Scalar(255, 255, 255), 1);
    if (box && !box->isEmpty()) {
        const cv::Point from(int(box->x0 * scale), int(box->y0 * scale));
        const cv::Point to(int(box->x1 * scale) - 1, int(box->y1 * scale) - 1);
        cv::rectangle(blended, from, to, cv::Scalar(0, 255, 0), 2);
    }
    return encodePng(blended, error);
}

QByteArray renderAudioStrip(const float *mel, int melBins, int frames, const std::vector<float> &heat,
                            const TokenGeometry &geometry, QString *error)
{
    if (!mel || melBins <= 0 || frames <= 0) {
        *error = QStringLiteral("no spectrogram to draw");
        return {};
    }
    const int scaleX = std::max(1, std::min(4, 1200 / frames));
    const int scaleY = std::max(1, 192 / melBins);
    const int stripHeight = 24;
    cv::Mat spectrogram;
    cv::flip(toBytes(cv::Mat(melBins, frames, CV_32F, const_cast<float *>(mel))), spectrogram, 0);
    cv::resize(spectrogram, spectrogram, cv::Size(frames * scaleX, melBins * scaleY), 0, 0, cv::INTER_NEAREST);
    cv::Mat top;
    cv::applyColorMap(spectrogram, top, cv::COLORMAP_BONE);

    // One strip value per frame: the weight of the token pooling it; grey past the crop.
    cv::Mat stripValues(1, frames, CV_32F, cv::Scalar(0));
    std::vector<bool> covered(std::size_t(frames), false);
    const float peak = heat.empty() ? 0.0f : *std::max_element(heat.begin(), heat.end());
    if (geometry.audioTokens > 0 && int(heat.size()) == geometry.audioTokens && geometry.audioFrames > 0) {
        const double framesPerToken = double(geometry.audioFrames) / geometry.audioTokens;
        for (int f = 0; f < std::min(frames, geometry.audioFrames); ++f) {
            const int token = std::min(geometry.audioTokens - 1, int(f / framesPerToken));
            stripValues.at<float>(0, f) = peak > 0.0f ? heat[std::size_t(token)] / peak : 0.0f;
            covered[std::size_t(f)] = true;
        }
    }
    cv::Mat stripBytes;
    stripValues.convertTo(stripBytes, CV_8U, 255.0);
    cv::Mat strip;
    cv::applyColorMap(stripBytes, strip, cv::COLORMAP_INFERNO);
    for (int f = 0; f < frames; ++f) {
        if (!covered[std::size_t(f)])
            strip.at<cv::Vec3b>(0, f) = cv::Vec3b(128, 128, 128);
    }
    cv::resize(strip, strip, cv::Size(frames * scaleX, stripHeight), 0, 0, cv::INTER_NEAREST);
    cv::Mat out;
    cv::vconcat(std::vector<cv::Mat>{top, cv::Mat(2, top.cols, CV_8UC3, cv::Scalar(0, 0, 0)), strip}, out);
    return encodePng(out, error);
}

QByteArray renderTextShading(const QStringList &pieces, const std::vector<float> &weights, QString *error)
{
    if (pieces.isEmpty()) {
        *error = QStringLiteral("no text to draw");
        return {};
    }
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    const double fontScale = 0.6;
    const int pad = 4;
    const int maxWidth = 900;
    const float peak = weights.empty() ? 0.0f : std::max(1e-12f, *std::max_element(weights.begin(), weights.end()));
    struct Box { cv::Rect rect; std::string label; cv::Vec3b colour; };
    std::vector<Box> boxes;
    int x = pad;
    int y = pad;
    int baseline = 0;
    const int lineHeight = cv::getTextSize("Ag", font, fontScale, 1, &baseline).height + baseline + 2 * pad;
    for (int i = 0; i < pieces.size(); ++i) {
        const std::string label = asciiPiece(pieces.at(i)).toStdString();
        const cv::Size size = cv::getTextSize(label.empty() ? std::string(" ") : label, font, fontScale, 1, &baseline);
        const int width = size.width + 2 * pad;
        if (x + width > maxWidth && x > pad) {
            x = pad;
            y += lineHeight + pad;
        }
        const float weight = std::size_t(i) < weights.size() ? weights[std::size_t(i)] / peak : 0.0f;
        cv::Mat one(1, 1, CV_8U, cv::Scalar(int(std::clamp(weight, 0.0f, 1.0f) * 255.0f)));
        cv::Mat colour;
        cv::applyColorMap(one, colour, cv::COLORMAP_INFERNO);
        boxes.push_back({cv::Rect(x, y, width, lineHeight), label, colour.at<cv::Vec3b>(0, 0)});
        x += width + 2;
    }
    int right = 0;
    for (const Box &box : boxes)
        right = std::max(right, box.rect.x + box.rect.width);
    cv::Mat canvas(y + lineHeight + pad, right + pad, CV_8UC3, cv::Scalar(255, 255, 255));
    for (const Box &box : boxes) {
        cv::rectangle(canvas, box.rect, cv::Scalar(box.colour[0], box.colour[1], box.colour[2]), cv::FILLED);
        const double luminance = 0.114 * box.colour[0] + 0.587 * box.colour[1] + 0.299 * box.colour[2];
        const cv::Scalar ink = luminance > 128.0 ? cv::Scalar(0, 0, 0) : cv::Scalar(255, 255, 255);
        cv::putText(canvas, box.label, cv::Point(box.rect.x + pad, box.rect.y + box.rect.height - pad - baseline), font,
                    fontScale, ink, 1, cv::LINE_AA);
    }
    return encodePng(canvas, error);
}

QStringList writeSampleOverlays(const Dataset &dataset, const SampleExplanation &sample, const QString &dir, QString *error)
{
    QStringList written;
    if (!sample.error.isEmpty() || sample.index < 0 || sample.index >= dataset.size())
        return written;
    if (!QDir().mkpath(dir)) {
        *error = QStringLiteral("cannot create %1").arg(dir);
        return written;
    }
    // Sample ids are free text: keep file names portable.
    QString stem = sample.sampleId;
    stem.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    const auto save = [&](const QString &suffix, const QByteArray &bytes, const QString &why) {
        if (bytes.isEmpty()) {
            if (error->isEmpty())
                *error = QStringLiteral("%1: %2").arg(sample.sampleId, why);
            return;
        }
        const QString path = QDir(dir).filePath(stem + suffix);
        if (writeBytes(path, bytes, error))
            written << path;
    };
    QString why;
    if (const TokenHeat *heat = sample.imageHeat()) {
        const QByteArray png = renderImageOverlay(dataset.record(sample.index).imagePath, dataset.image(sample.index),
                                                  dataset.preprocess().imageSize, heat->weights, sample.geometry.gridH,
                                                  sample.geometry.gridW, sample.hasTargetBox ? &sample.targetBox : nullptr, &why);
        save(QStringLiteral("_image.png"), png, why);
    }
    // Only what attention covers: a model that returns no maps gets no overlays.
    int frames = 0;
    const float *mel = dataset.mel(sample.index, &frames);
    if (const TokenHeat *heat = sample.audioHeat(); heat && mel)
        save(QStringLiteral("_audio.png"), renderAudioStrip(mel, dataset.preprocess().mel.melBins, frames, heat->weights, sample.geometry, &why), why);
    if (!sample.textPieces.isEmpty() && !sample.textHeat.weights.empty())
        save(QStringLiteral("_text.png"), renderTextShading(sample.textPieces, sample.textHeat.weights, &why), why);
    return written;
}

#include "core/demo/scenerenderer.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <cmath>

namespace {

constexpr int kShift = 4; // sub-pixel bits for OpenCV's drawing: smooth edges at 64 px
constexpr double kScale = 1 << kShift;

cv::Scalar bgr(const std::array<std::uint8_t, 3> &rgb)
{
    return cv::Scalar(rgb[2], rgb[1], rgb[0]);
}

cv::Point fixedPoint(double x, double y)
{
    return cv::Point(int(std::lround(x * kScale)), int(std::lround(y * kScale)));
}

/** Vertices of a shape centred on (cx, cy) with circumradius r, in fixed-point coordinates. */
std::vector<cv::Point> polygon(int shape, double cx, double cy, double r)
{
    std::vector<cv::Point> points;
    auto polar = [&](double radius, double degrees) {
        const double a = degrees * M_PI / 180.0;
        points.push_back(fixedPoint(cx + radius * std::cos(a), cy + radius * std::sin(a)));
    };
    switch (shape) {
    case 1: { // square with about the circle's area
        const double h = r * 0.80;
        points = {fixedPoint(cx - h, cy - h), fixedPoint(cx + h, cy - h), fixedPoint(cx + h, cy + h), fixedPoint(cx - h, cy + h)};
        break;
    }
    case 2: // triangle, apex up, centred on its circumcentre
        for (double degrees : {-90.0, 30.0, 150.0})
            polar(r, degrees);
        break;
    case 3: // diamond, narrower than tall so it never reads as a rotated square
        points = {fixedPoint(cx, cy - r), fixedPoint(cx + r * 0.72, cy), fixedPoint(cx, cy + r), fixedPoint(cx - r * 0.72, cy)};
        break;
    case 4: // five-pointed star
        for (int i = 0; i < 10; ++i)
            polar(i % 2 == 0 ? r : r * 0.45, -90.0 + i * 36.0);
        break;
    case 5: { // plus-shaped cross
        const double w = r * 0.34;
        const double l = r * 0.95;
        points = {fixedPoint(cx - w, cy - l), fixedPoint(cx + w, cy - l), fixedPoint(cx + w, cy - w),
                  fixedPoint(cx + l, cy - w), fixedPoint(cx + l, cy + w), fixedPoint(cx + w, cy + w),
                  fixedPoint(cx + w, cy + l), fixedPoint(cx - w, cy + l), fixedPoint(cx - w, cy + w),
                  fixedPoint(cx - l, cy + w), fixedPoint(cx - l, cy - w), fixedPoint(cx - w, cy - w)};
        break;
    }
    default:
        break;
    }
    return points;
}

/** A filled shape centred on (cx, cy) with circumradius r, in pixels. */
void drawShape(cv::Mat &image, int shape, int colourIndex, double cx, double cy, double r)
{
    const cv::Scalar colour = bgr(shapesAvColourRgb(colourIndex));
    if (shape == 0) {
        cv::circle(image, fixedPoint(cx, cy), int(std::lround(r * 0.92 * kScale)), colour, cv::FILLED, cv::LINE_AA, kShift);
        return;
    }
    const std::vector<cv::Point> points = polygon(shape, cx, cy, r);
    const cv::Point *data = points.data();
    const int n = int(points.size());
    cv::fillPoly(image, &data, &n, 1, colour, cv::LINE_AA, kShift);
}

void drawObject(cv::Mat &image, const ShapesAvObject &object, int imageSize)
{
    const std::array<int, 4> box = shapesAvCellBox(object.cell, imageSize);
    const double side = std::min(box[2] - box[0], box[3] - box[1]);
    const double cx = (box[0] + box[2]) / 2.0 + object.offsetX * side;
    const double cy = (box[1] + box[3]) / 2.0 + object.offsetY * side;
    drawShape(image, object.shape, object.colour, cx, cy, object.size * side / 2.0);
}

/** Fixed PNG parameters, so the same image always gives the same bytes; empty on failure. */
QByteArray encodePng(const cv::Mat &image)
{
    // Level 6: level 9 is ~6x slower here for 7 % smaller files.
    std::vector<uchar> png;
    const std::vector<int> params = {cv::IMWRITE_PNG_COMPRESSION, 6, cv::IMWRITE_PNG_STRATEGY, cv::IMWRITE_PNG_STRATEGY_DEFAULT};
    if (!cv::imencode(".png", image, png, params))
        return {};
    return QByteArray(reinterpret_cast<const char *>(png.data()), qsizetype(png.size()));
}

/** A grey image drawn by `draw`, as PNG bytes; empty with *error naming the sample when OpenCV fails. */
template<typename Draw>
QByteArray drawPng(int sampleIndex, int imageSize, QString *error, Draw draw)
{
    try {
        cv::Mat image(imageSize, imageSize, CV_8UC3, bgr(shapesAvBackgroundRgb()));
        draw(image);
        const QByteArray png = encodePng(image);
        if (png.isEmpty() && error)
            *error = QStringLiteral("sample %1: OpenCV could not encode the PNG").arg(sampleIndex + 1);
        return png;
    } catch (const std::exception &e) {
        if (error)
            *error = QStringLiteral("sample %1: drawing failed: %2").arg(sampleIndex + 1).arg(QString::fromUtf8(e.what()));
        return {};
    }
}

} // namespace

QByteArray renderShapesAvPng(const ShapesAvScene &scene, int imageSize, QString *error)
{
    return drawPng(scene.index, imageSize, error, [&](cv::Mat &image) {
        // Faint grid lines show a person where the cells are; the model never needs them.
        const std::array<std::uint8_t, 3> background = shapesAvBackgroundRgb();
        const cv::Scalar line = bgr({std::uint8_t(background[0] - 16), std::uint8_t(background[1] - 16), std::uint8_t(background[2] - 16)});
        for (int k = 1; k < 3; ++k) {
            const int at = k * imageSize / 3;
            cv::line(image, cv::Point(at, 0), cv::Point(at, imageSize - 1), line, 1, cv::LINE_8);
            cv::line(image, cv::Point(0, at), cv::Point(imageSize - 1, at), line, 1, cv::LINE_8);
        }
        for (const ShapesAvObject &object : scene.objects)
            drawObject(image, object, imageSize);
    });
}

QByteArray renderObjectPng(const ObjectScene &scene, int imageSize, QString *error)
{
    return drawPng(scene.index, imageSize, error, [&](cv::Mat &image) {
        // Grey lines and small shapes make the clutter; the named object is drawn last, on top.
        for (const ObjectScene::Line &line : scene.lines) {
            const cv::Scalar shade(line.shade, line.shade, line.shade);
            cv::line(image, fixedPoint(line.x0 * imageSize, line.y0 * imageSize), fixedPoint(line.x1 * imageSize, line.y1 * imageSize),
                     shade, 1, cv::LINE_AA, kShift);
        }
        const auto draw = [&](const ObjectShape &shape) {
            drawShape(image, shape.shape, shape.colour, shape.cx * imageSize, shape.cy * imageSize, shape.radius * imageSize);
        };
        for (const ObjectShape &item : scene.clutter)
            draw(item);
        draw(scene.object);
    });
}

#include "core/demo/shapesavscene.h"

#include "core/demo/samplerng.h"

#include <algorithm>

namespace {

const char *const kShapeNames[kShapesAvShapes] = {"circle", "square", "triangle", "diamond", "star", "cross"};
const char *const kShapeNamesZh[kShapesAvShapes] = {"圆形", "正方形", "三角形", "菱形", "星形", "十字形"};
const char *const kColourNames[kShapesAvColours] = {"red", "green", "blue", "yellow", "purple", "orange"};
// Far apart in hue and clear of the grey background, so a small CNN tells them apart at 64 px.
const std::array<std::uint8_t, 3> kColourRgb[kShapesAvColours] = {
    {220, 38, 38}, {34, 168, 60}, {40, 90, 235}, {245, 215, 30}, {150, 60, 195}, {250, 135, 20}};

// "square" never appears in a template: it is one of the shapes.
const char *const kTemplatesEn[] = {
    "where is the %1?", "find the %1", "which cell holds the %1?", "point to the %1",
    "show me the %1", "locate the %1", "which cell has the %1?", "where can I find the %1?",
};
const char *const kTemplatesZh[] = {
    "%1在哪里？", "找到%1", "哪个格子里有%1？", "%1在哪个格子？", "请指出%1", "请找出%1。",
};
constexpr double kChineseShare = 0.25;
constexpr double kExtraObjectShare = 0.5;

template<typename T, size_t N>
constexpr int count(const T (&)[N]) { return int(N); }

/** k distinct values from [0, n), in random order. */
std::vector<int> pickDistinct(SampleRng &rng, int n, int k)
{
    std::vector<int> pool(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        pool[size_t(i)] = i;
    for (int i = 0; i < k; ++i)
        std::swap(pool[size_t(i)], pool[size_t(i + rng.below(n - i))]);
    pool.resize(size_t(k));
    return pool;
}

/** A value from [0, n) that is none of `excluded`. */
int pickOther(SampleRng &rng, int n, const std::vector<int> &excluded)
{
    std::vector<int> allowed;
    for (int i = 0; i < n; ++i) {
        if (std::find(excluded.begin(), excluded.end(), i) == excluded.end())
            allowed.push_back(i);
    }
    return allowed[size_t(rng.below(int(allowed.size())))];
}

void jitter(SampleRng &rng, ShapesAvObject *object)
{
    // Radius ≤ 0.40 of the cell side and shift ≤ 0.06 keep every shape inside its cell.
    object->size = rng.uniform(0.62, 0.80);
    object->offsetX = rng.uniform(-0.06, 0.06);
    object->offsetY = rng.uniform(-0.06, 0.06);
}

} // namespace

QString shapesAvShapeName(int shape) { return QLatin1String(kShapeNames[shape]); }
QString shapesAvShapeNameZh(int shape) { return QString::fromUtf8(kShapeNamesZh[shape]); }
QString shapesAvColourName(int colour) { return QLatin1String(kColourNames[colour]); }
std::array<std::uint8_t, 3> shapesAvColourRgb(int colour) { return kColourRgb[colour]; }
std::array<std::uint8_t, 3> shapesAvBackgroundRgb() { return {128, 128, 128}; }

const std::vector<ShapesAvVoice> &shapesAvVoices()
{
    static const std::vector<ShapesAvVoice> voices = {
        {"en-us+m3", 45}, {"en-us+f2", 62}, {"en+m1", 50}, {"en+f4", 70},
        {"en-gb-scotland+m2", 40}, {"en-029+f3", 58}, {"en-gb-x-rp+m7", 35}, {"en-us+f5", 75},
    };
    return voices;
}

const std::vector<int> &shapesAvSpeeds()
{
    static const std::vector<int> speeds = {135, 165, 195};
    return speeds;
}

QString ShapesAvScene::label() const
{
    return QStringLiteral("cell_%1").arg(targetObject().cell);
}

ShapesAvScene makeShapesAvScene(std::uint64_t seed, int index)
{
    SampleRng rng(seed, std::uint64_t(index));
    ShapesAvScene scene;
    scene.index = index;

    const std::vector<int> shapes = pickDistinct(rng, kShapesAvShapes, 2);
    const std::vector<int> colours = pickDistinct(rng, kShapesAvColours, 2);
    const bool extra = rng.chance(kExtraObjectShare);
    const std::vector<int> cells = pickDistinct(rng, kShapesAvCells, extra ? 5 : 4);
    for (int i = 0; i < 4; ++i) {
        ShapesAvObject object;
        object.cell = cells[size_t(i)];
        object.shape = shapes[size_t(i / 2)];
        object.colour = colours[size_t(i % 2)];
        jitter(rng, &object);
        scene.objects.push_back(object);
    }
    if (extra) {
        // Neither its shape nor its colour is in the pair, so no text/audio can name it.
        ShapesAvObject object;
        object.cell = cells[4];
        object.shape = pickOther(rng, kShapesAvShapes, shapes);
        object.colour = pickOther(rng, kShapesAvColours, colours);
        jitter(rng, &object);
        scene.objects.push_back(object);
    }
    scene.target = rng.below(4);

    const int shape = scene.targetObject().shape;
    if (rng.chance(kChineseShare)) {
        scene.language = QStringLiteral("zh");
        scene.text = QString::fromUtf8(kTemplatesZh[rng.below(count(kTemplatesZh))]).arg(shapesAvShapeNameZh(shape));
    } else {
        scene.language = QStringLiteral("en");
        scene.text = QLatin1String(kTemplatesEn[rng.below(count(kTemplatesEn))]).arg(shapesAvShapeName(shape));
    }

    scene.voice = rng.below(int(shapesAvVoices().size()));
    scene.speed = rng.below(int(shapesAvSpeeds().size()));
    scene.leadSeconds = rng.uniform(0.05, 0.35);
    scene.tailSeconds = rng.uniform(0.05, 0.20);
    scene.gainDb = rng.uniform(-3.0, 3.0);
    scene.snrDb = rng.uniform(10.0, 30.0);
    scene.split = shapesAvSplit(seed, index);
    return scene;
}

std::array<int, 4> shapesAvCellBox(int cell, int imageSize)
{
    const int row = cell / 3;
    const int column = cell % 3;
    return {column * imageSize / 3, row * imageSize / 3, (column + 1) * imageSize / 3, (row + 1) * imageSize / 3};
}

Split shapesAvSplit(std::uint64_t seed, int index)
{
    // Stream 1 keeps the split independent of the scene's own draws.
    const int block = index / 10;
    SampleRng rng(seed, std::uint64_t(block), /*stream=*/1);
    const std::vector<int> order = pickDistinct(rng, 10, 10);
    const int position = int(std::find(order.begin(), order.end(), index % 10) - order.begin());
    if (position < 8)
        return Split::Train;
    return position == 8 ? Split::Val : Split::Test;
}

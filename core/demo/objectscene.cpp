#include "core/demo/objectscene.h"

#include "core/demo/samplerng.h"
#include "core/demo/shapesavscene.h"

#include <algorithm>
#include <cmath>

namespace {

const char *const kColourNamesZh[kShapesAvColours] = {"红色", "绿色", "蓝色", "黄色", "紫色", "橙色"};
const char *const kCaptionsEn[] = {
    "a %1 %2", "a %1 %2 among clutter", "there is a %1 %2", "a picture of a %1 %2", "the big %1 %2",
    "a large %1 %2", "look, a %1 %2", "one %1 %2 and some small shapes",
};
const char *const kCaptionsZh[] = {"一个%1的%2", "这是一个%1的%2", "图片里有一个%1的%2", "一个大的%1%2", "看，一个%1的%2"};
constexpr double kChineseShare = 0.3;
// Which modality a sample lacks (at most one): text, audio, image, none. One caption in four is
// missing: the caption alone names the class, so with fewer gaps a classifier trained from a
// few labels reads the caption and ignores the image and the voice, and pretraining has
// nothing left to add (at 12 %: scratch 91.5 % with 10 % of the labels, fine-tuned 99.8 %).
constexpr double kNoText = 0.25;
constexpr double kNoAudio = 0.12;
constexpr double kNoImage = 0.08;

template<typename T, size_t N>
constexpr int count(const T (&)[N]) { return int(N); }

} // namespace

QString objectColourNameZh(int colour) { return QString::fromUtf8(kColourNamesZh[colour]); }

QString ObjectScene::label() const
{
    return shapesAvColourName(object.colour) + QLatin1Char(' ') + shapesAvShapeName(object.shape);
}

std::array<int, 4> ObjectScene::box(int imageSize) const
{
    const auto at = [imageSize](double fraction) { return std::clamp(int(std::lround(fraction * imageSize)), 0, imageSize); };
    return {at(object.cx - object.radius), at(object.cy - object.radius), at(object.cx + object.radius), at(object.cy + object.radius)};
}

ObjectScene makeObjectScene(std::uint64_t seed, int index)
{
    // Stream 3: these scenes share nothing with Shapes-AV's draws.
    SampleRng rng(seed, std::uint64_t(index), /*stream=*/3);
    ObjectScene scene;
    scene.index = index;
    scene.object.shape = rng.below(kShapesAvShapes);
    scene.object.colour = rng.below(kShapesAvColours);
    scene.object.radius = rng.uniform(0.17, 0.26);
    scene.object.cx = rng.uniform(scene.object.radius, 1.0 - scene.object.radius);
    scene.object.cy = rng.uniform(scene.object.radius, 1.0 - scene.object.radius);
    // Clutter: small shapes of any other class, anywhere; the large one is drawn over them.
    const int clutter = 3 + rng.below(4);
    for (int i = 0; i < clutter; ++i) {
        ObjectShape item;
        do {
            item.shape = rng.below(kShapesAvShapes);
            item.colour = rng.below(kShapesAvColours);
        } while (item.shape == scene.object.shape && item.colour == scene.object.colour);
        item.radius = rng.uniform(0.05, 0.08);
        item.cx = rng.uniform(item.radius, 1.0 - item.radius);
        item.cy = rng.uniform(item.radius, 1.0 - item.radius);
        scene.clutter.push_back(item);
    }
    for (int i = 0; i < 3; ++i)
        scene.lines.push_back({rng.uniform(), rng.uniform(), rng.uniform(), rng.uniform(), 100 + rng.below(60)});

    const double missing = rng.uniform();
    const bool noText = missing < kNoText;
    scene.hasAudio = !(missing >= kNoText && missing < kNoText + kNoAudio);
    scene.hasImage = !(missing >= kNoText + kNoAudio && missing < kNoText + kNoAudio + kNoImage);
    const bool chinese = rng.chance(kChineseShare);
    const int templateDraw = rng.below(chinese ? count(kCaptionsZh) : count(kCaptionsEn));
    scene.language = chinese ? QStringLiteral("zh") : QStringLiteral("en");
    if (!noText) {
        scene.text = chinese ? QString::fromUtf8(kCaptionsZh[templateDraw]).arg(objectColourNameZh(scene.object.colour),
                                                                                 shapesAvShapeNameZh(scene.object.shape))
                             : QLatin1String(kCaptionsEn[templateDraw]).arg(shapesAvColourName(scene.object.colour),
                                                                            shapesAvShapeName(scene.object.shape));
    }
    scene.voice = rng.below(int(shapesAvVoices().size()));
    scene.speed = rng.below(int(shapesAvSpeeds().size()));
    scene.leadSeconds = rng.uniform(0.05, 0.30);
    scene.gapSeconds = rng.uniform(0.04, 0.15);
    scene.tailSeconds = rng.uniform(0.05, 0.20);
    scene.gainDb = rng.uniform(-3.0, 3.0);
    scene.snrDb = rng.uniform(8.0, 30.0);
    scene.split = shapesAvSplit(seed, index);
    return scene;
}

#include "ui/widgets/cjkfontcheck.h"

#include "core/data/manifest.h"

#include <QtCore/QCoreApplication>
#include <QtGui/QFontDatabase>

namespace {

std::function<bool()> &probe()
{
    static std::function<bool()> current;
    return current;
}

bool isCjk(char32_t c)
{
    return (c >= 0x3040 && c <= 0x30ff)       // Hiragana, Katakana
           || (c >= 0x3400 && c <= 0x4dbf)    // CJK Extension A
           || (c >= 0x4e00 && c <= 0x9fff)    // CJK Unified Ideographs
           || (c >= 0xac00 && c <= 0xd7af)    // Hangul syllables
           || (c >= 0xf900 && c <= 0xfaff)    // CJK compatibility ideographs
           || (c >= 0x20000 && c <= 0x3134f); // Extensions B–G
}

} // namespace

namespace cjkfontcheck {

bool containsCjk(const QString &text)
{
    for (const char32_t c : text.toUcs4())
        if (isCjk(c))
            return true;
    return false;
}

bool systemHasCjkFont()
{
    for (const QFontDatabase::WritingSystem system : {QFontDatabase::SimplifiedChinese, QFontDatabase::TraditionalChinese,
                                                      QFontDatabase::Japanese, QFontDatabase::Korean}) {
        if (!QFontDatabase::families(system).isEmpty())
            return true;
    }
    return false;
}

void setFontProbe(std::function<bool()> replacement)
{
    probe() = std::move(replacement);
}

QString noteFor(const Manifest &manifest)
{
    const SampleRecord *first = nullptr;
    for (const SampleRecord &sample : manifest.samples) {
        if (containsCjk(sample.text)) {
            first = &sample;
            break;
        }
    }
    if (!first)
        return {};
    const bool hasFont = probe() ? probe()() : systemHasCjkFont();
    if (hasFont)
        return {};
    return QCoreApplication::translate("CjkFontCheck",
                                       "This dataset has Chinese, Japanese or Korean text (sample %1, for one), but no "
                                       "CJK font is installed, so it shows as boxes. Install one, e.g. "
                                       "sudo apt install fonts-wqy-microhei, and restart FusionScope.")
        .arg(first->id);
}

} // namespace cjkfontcheck

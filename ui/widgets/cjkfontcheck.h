#pragma once

#include <QtCore/QString>
#include <functional>

struct Manifest;

/**
 * Whether the window can draw a dataset's Chinese, Japanese or Korean text: without a CJK
 * font Qt paints boxes and says nothing. The font probe is replaceable because a test cannot
 * uninstall fonts. GUI thread (QFontDatabase).
 */
namespace cjkfontcheck {

/** True when `text` holds a Han, kana or Hangul character. */
bool containsCjk(const QString &text);

/** True when fontconfig offers a family for Simplified/Traditional Chinese, Japanese or Korean. */
bool systemHasCjkFont();

/** Replaces systemHasCjkFont() in noteFor(); an empty function restores it. */
void setFontProbe(std::function<bool()> probe);

/** The note to show for `manifest` ("… boxes … install fonts-wqy-microhei"), or empty. */
QString noteFor(const Manifest &manifest);

} // namespace cjkfontcheck

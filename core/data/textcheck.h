#pragma once

#include <QtCore/QString>
#include <cstddef>

/** Small text helpers the manifest parser relies on; pure functions, any thread. */

/** Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool isValidUtf8(const char *data, std::size_t size);

/** Offset of the first byte that breaks strict UTF-8; `size` when the data is valid. */
std::size_t firstInvalidUtf8(const char *data, std::size_t size);

/** The longest prefix of at most `maxBytes` bytes that ends on a character boundary. */
std::size_t utf8PrefixLength(const char *data, std::size_t size, std::size_t maxBytes);

/** Most characters of text a sample keeps (inline or from text_file); what lies beyond is
    cut with an issue. Far more than any text length a model reads (16 characters a token). */
inline constexpr int kMaxTextChars = 65536;

/** `text` cut to at most `maxChars` UTF-16 units without splitting a surrogate pair. */
QString cutText(const QString &text, int maxChars);

/** One spelling per numeric label: "5.0", "5.00" and "5e0" all become "5", so they are one
    class. `number`: the manifest gave a JSON number. A string without '.' or an exponent
    ("007", "5") is a name and kept as written. */
QString normalisedLabel(const QString &label, bool number);

/**
 * Natural order: digit runs compare by value, so "cell_2" sorts before "cell_10". Ties
 * ("cell_02" vs "cell_2") fall back to plain code-unit order, keeping it a strict order.
 */
bool naturalLess(const QString &a, const QString &b);

#pragma once

#include <QtCore/QString>
#include <cstddef>

/** Small text helpers the manifest parser relies on; pure functions, any thread. */

/** Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
bool isValidUtf8(const char *data, std::size_t size);

/**
 * Natural order: digit runs compare by value, so "cell_2" sorts before "cell_10". Ties
 * ("cell_02" vs "cell_2") fall back to plain code-unit order, keeping it a strict order.
 */
bool naturalLess(const QString &a, const QString &b);

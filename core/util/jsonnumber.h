#pragma once

#include <QtCore/QJsonValue>

#include <cmath>
#include <limits>

// JSON has no NaN or infinity: FusionScope writes an undefined number (no validation split, a
// class without positives) as null and reads null back as NaN.

/** `value`, or null when it is not finite. */
inline QJsonValue jsonNumber(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

/** The number `value` holds, NaN for null or anything else. */
inline double numberFromJson(const QJsonValue &value)
{
    return value.isDouble() ? value.toDouble() : std::numeric_limits<double>::quiet_NaN();
}

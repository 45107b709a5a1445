#pragma once

#include "core/demo/objectscene.h"
#include "core/demo/shapesavscene.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

/**
 * Draws a Shapes-AV scene as an imageSize×imageSize RGB PNG (anti-aliased shapes on a grey
 * 3×3 grid). Fixed PNG parameters: the same scene always gives the same bytes.
 * Thread-safe (no shared state).
 */
QByteArray renderShapesAvPng(const ShapesAvScene &scene, int imageSize, QString *error);

/** Draws an Objects-AV scene: clutter, then the named shape over it. Same bytes for the same scene; thread-safe. */
QByteArray renderObjectPng(const ObjectScene &scene, int imageSize, QString *error);

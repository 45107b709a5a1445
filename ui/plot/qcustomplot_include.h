#pragma once

// FusionScope builds with QT_NO_KEYWORDS (Qt's `slots` macro breaks LibTorch headers), but
// QCustomPlot's header still spells `signals:` and `foreach`. Lend it the keywords for the
// duration of the include only; our own code keeps writing Q_SIGNALS / Q_SLOTS.
#ifndef signals
#define signals Q_SIGNALS
#define FUSIONSCOPE_DEFINED_SIGNALS
#endif
#ifndef slots
#define slots Q_SLOTS
#define FUSIONSCOPE_DEFINED_SLOTS
#endif
#ifndef foreach
#define foreach Q_FOREACH
#define FUSIONSCOPE_DEFINED_FOREACH
#endif

#include <qcustomplot.h>

#ifdef FUSIONSCOPE_DEFINED_SIGNALS
#undef signals
#undef FUSIONSCOPE_DEFINED_SIGNALS
#endif
#ifdef FUSIONSCOPE_DEFINED_SLOTS
#undef slots
#undef FUSIONSCOPE_DEFINED_SLOTS
#endif
#ifdef FUSIONSCOPE_DEFINED_FOREACH
#undef foreach
#undef FUSIONSCOPE_DEFINED_FOREACH
#endif

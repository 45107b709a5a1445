#pragma once

#include "core/eval/evalreport.h"
#include "core/eval/modelmeta.h"

#include <QtCore/QString>

/** Plain-text renderings for the headless commands (eval, info, train's final report). */

/** Accuracy, macro-F1, per-class precision/recall/F1/support, confusion and subset accuracies. */
QString formatEvalReport(const EvalReport &report);
/** Top-k accuracy, macro ROC AUC and average precision, calibration error: three lines, empty without samples. */
QString formatCurveSummary(const ClassifierCurves &curves);

/** Labels, fusion and encoders, preprocessing, token layout, training config and final metrics. */
QString formatModelMeta(const ModelMeta &meta);

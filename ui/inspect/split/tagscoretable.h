#pragma once

#include "core/explain/splitexplanation.h"

#include <QtWidgets/QTableWidget>

/**
 * A multi-label split, one row per tag: how often it occurs, its threshold, precision,
 * recall and F1 there, AP and AUC, and which modality decides it (the mean |Shapley| of the
 * tag's own logit per modality). Sortable by any column. GUI thread.
 */
class TagScoreTable final : public QTableWidget
{
    Q_OBJECT
public:
    enum Column { TagColumn, PositivesColumn, ThresholdColumn, PrecisionColumn, RecallColumn, F1Column, ApColumn, AucColumn,
                  TextColumn, ImageColumn, AudioColumn, ColumnCount };

    explicit TagScoreTable(QWidget *parent = nullptr);

    void setSplit(const SplitExplanation &split);
    void clearTags();
};

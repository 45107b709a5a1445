#include "ui/inspect/split/tagscoretable.h"

#include "ui/inspect/split/accuracybardelegate.h"

#include <QtWidgets/QHeaderView>

#include <cmath>

namespace {

/** A number cell that sorts by its value (NaN last) and shows "—" for NaN. */
class NumberItem final : public QTableWidgetItem
{
public:
    NumberItem(double value, int decimals)
    {
        const bool known = std::isfinite(value);
        setData(Qt::DisplayRole, known ? QString::number(value, 'f', decimals) : QStringLiteral("—"));
        setData(kSortRole, known ? value : -1e300);
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem &other) const override
    {
        return data(kSortRole).toDouble() < other.data(kSortRole).toDouble();
    }

private:
    static constexpr int kSortRole = Qt::UserRole + 1; ///< Qt::UserRole is the bar's share (AccuracyBarDelegate)
};

} // namespace

TagScoreTable::TagScoreTable(QWidget *parent) : QTableWidget(parent)
{
    setColumnCount(ColumnCount);
    // Short headers (eleven columns share half the tab); the tooltips spell them out.
    setHorizontalHeaderLabels({tr("Tag"), tr("Pos."), tr("Thresh."), tr("Prec."), tr("Recall"), tr("F1"), tr("AP"),
                               tr("AUC"), tr("φ text"), tr("φ image"), tr("φ audio")});
    horizontalHeaderItem(PositivesColumn)->setToolTip(tr("Samples of the split that carry the tag"));
    horizontalHeaderItem(PrecisionColumn)->setToolTip(tr("Precision at the tag's threshold"));
    horizontalHeaderItem(TextColumn)->setToolTip(tr("Mean |Shapley| of the tag's logit (log-odds) owed to text, over the samples that have text"));
    horizontalHeaderItem(ImageColumn)->setToolTip(tr("Mean |Shapley| of the tag's logit owed to the image"));
    horizontalHeaderItem(AudioColumn)->setToolTip(tr("Mean |Shapley| of the tag's logit owed to the audio"));
    horizontalHeaderItem(ThresholdColumn)->setToolTip(tr("The tag is predicted when its probability reaches this (tuned on val for the best F1)"));
    verticalHeader()->setVisible(false);
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setMinimumSectionSize(36);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setItemDelegateForColumn(ApColumn, new AccuracyBarDelegate(this));
    setItemDelegateForColumn(F1Column, new AccuracyBarDelegate(this));
    setSortingEnabled(true);
}

void TagScoreTable::setSplit(const SplitExplanation &split)
{
    setSortingEnabled(false);
    const std::vector<TagScores> &tags = split.multilabel.tags;
    setRowCount(int(tags.size()));
    for (int row = 0; row < int(tags.size()); ++row) {
        const TagScores &tag = tags[std::size_t(row)];
        setItem(row, TagColumn, new QTableWidgetItem(tag.name));
        setItem(row, PositivesColumn, new NumberItem(tag.positives(), 0));
        setItem(row, ThresholdColumn, new NumberItem(tag.threshold, 3));
        setItem(row, PrecisionColumn, new NumberItem(tag.precision, 3));
        setItem(row, RecallColumn, new NumberItem(tag.recall, 3));
        QTableWidgetItem *f1 = new NumberItem(tag.f1, 3);
        f1->setData(Qt::UserRole, tag.f1);
        setItem(row, F1Column, f1);
        QTableWidgetItem *ap = new NumberItem(tag.curves.averagePrecision, 3);
        if (std::isfinite(tag.curves.averagePrecision))
            ap->setData(Qt::UserRole, tag.curves.averagePrecision);
        setItem(row, ApColumn, ap);
        setItem(row, AucColumn, new NumberItem(tag.curves.auc, 3));
        const bool explained = std::size_t(row) < split.outputMeanAbsShapley.size();
        for (int m = 0; m < 3; ++m)
            setItem(row, TextColumn + m, new NumberItem(explained ? split.outputMeanAbsShapley[std::size_t(row)][std::size_t(m)]
                                                              : std::nan(""), 3));
    }
    setSortingEnabled(true);
}

void TagScoreTable::clearTags()
{
    setRowCount(0);
}

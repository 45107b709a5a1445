#pragma once

#include <QtCore/QStringList>
#include <QtWidgets/QListWidget>

/**
 * Which of the dataset's regression targets or tags a run learns: one checkable row each, all
 * checked by default. The wish survives a dataset that is not loaded yet (the window restores
 * its last settings first) and a dataset without some of the names (only those it has are
 * checked; none of them: all). GUI thread.
 */
class TargetChooser final : public QListWidget
{
    Q_OBJECT
public:
    explicit TargetChooser(QWidget *parent = nullptr);

    /** The dataset's targets or tags, in its order; empty for a classifier (then hidden). */
    void setNames(const QStringList &names);
    /** The checked names; empty when every one is checked (TrainConfig::targets' "all"). */
    QStringList chosen() const;
    /** Checks `names` (empty: all); remembered until a dataset has them. */
    void setChosen(const QStringList &names);
    int checkedCount() const;

Q_SIGNALS:
    void changed();

private:
    void applyWish();

    QStringList m_wanted; ///< what setChosen or the user last asked for; empty = all
};

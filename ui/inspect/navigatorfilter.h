#pragma once

#include "ui/inspect/navigatormodel.h"

#include <QtCore/QSet>
#include <QtCore/QSortFilterProxyModel>

/** The Inspect navigator's filters: true class, correct/incorrect, modalities disagree, an explicit sample set. GUI thread. */
class NavigatorFilter final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum OutcomeFilter { AnyOutcome, CorrectOnly, IncorrectOnly };

    explicit NavigatorFilter(QObject *parent = nullptr);

    void setClassName(const QString &name); ///< empty: every class
    void setOutcome(OutcomeFilter outcome);
    void setDisagreeOnly(bool only);
    /** Only these dataset indices; an empty optional set (active = false) shows every sample. */
    void setExplicitSamples(const QSet<int> &indices, bool active);
    bool hasExplicitSamples() const { return m_explicitActive; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_className;
    OutcomeFilter m_outcome = AnyOutcome;
    bool m_disagreeOnly = false;
    QSet<int> m_explicit;
    bool m_explicitActive = false;
};

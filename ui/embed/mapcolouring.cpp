#include "ui/embed/mapcolouring.h"

#include "core/data/dataset.h"
#include "core/data/split.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QHash>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("MapColouring", text);
}

/** Groups named by `nameOf(point)` (empty: none), numbered in `order` first, then by first appearance. */
template <typename NameOf>
MapGroups groupsByName(std::size_t points, const QStringList &order, const QString &noneName, NameOf nameOf)
{
    MapGroups groups;
    groups.names = order;
    QHash<QString, int> numberOf;
    for (int i = 0; i < order.size(); ++i)
        numberOf.insert(order.at(i), i);
    groups.groupOfPoint.reserve(points);
    bool anyNone = false;
    for (std::size_t point = 0; point < points; ++point) {
        const QString name = nameOf(point);
        if (name.isEmpty()) {
            groups.groupOfPoint.push_back(-1);
            anyNone = true;
            continue;
        }
        auto found = numberOf.constFind(name);
        if (found == numberOf.constEnd()) {
            found = numberOf.insert(name, int(groups.names.size()));
            groups.names << name;
        }
        groups.groupOfPoint.push_back(*found);
    }
    if (anyNone)
        groups.noneName = noneName;
    return groups;
}

QString presenceName(PresenceMask presence)
{
    QStringList present;
    for (Modality modality : kAllModalities)
        if (presence[std::size_t(modality)])
            present << modalityName(modality);
    return present.join(QLatin1Char('+'));
}

} // namespace

QString colouringName(MapColouring colouring)
{
    switch (colouring) {
    case MapColouring::Label: return tr("Label");
    case MapColouring::Split: return tr("Split");
    case MapColouring::Prediction: return tr("Prediction");
    case MapColouring::Correctness: return tr("Correctness");
    case MapColouring::Presence: return tr("Modalities present");
    }
    return {};
}

MapGroups mapGroups(const EmbeddingMap &map, const Dataset &dataset, const QStringList &classNames, MapColouring colouring)
{
    const std::size_t points = map.indices.size();
    const auto record = [&](std::size_t point) -> const SampleRecord & { return dataset.record(map.indices[point]); };
    const auto predicted = [&](std::size_t point) {
        const int column = point < map.predicted.size() ? map.predicted[point] : -1;
        return column >= 0 && column < classNames.size() ? classNames.at(column) : QString();
    };
    switch (colouring) {
    case MapColouring::Label:
        return groupsByName(points, dataset.task() == TaskKind::Classify ? dataset.labels() : QStringList(), tr("unlabeled"),
                            [&](std::size_t point) { return record(point).label; });
    case MapColouring::Split:
        return groupsByName(points, {splitName(Split::Train), splitName(Split::Val), splitName(Split::Test)}, QString(),
                            [&](std::size_t point) { return splitName(record(point).split); });
    case MapColouring::Prediction:
        return groupsByName(points, classNames, tr("no prediction"), predicted);
    case MapColouring::Correctness:
        return groupsByName(points, {tr("correct"), tr("wrong")}, tr("unlabeled or no prediction"), [&](std::size_t point) {
            const QString label = record(point).label;
            const QString guess = predicted(point);
            if (label.isEmpty() || guess.isEmpty())
                return QString();
            return guess == label ? tr("correct") : tr("wrong");
        });
    case MapColouring::Presence:
        return groupsByName(points, {}, QString(), [&](std::size_t point) { return presenceName(dataset.presence(map.indices[point])); });
    }
    return {};
}

#pragma once

#include "ui/embed/embedresults.h"

#include <QtCore/QStringList>

#include <vector>

class Dataset;

/** What the map's colours say about each point. */
enum class MapColouring { Label, Split, Prediction, Correctness, Presence };

/** Each point's group (an index into names; -1: "none", drawn grey) and the groups' names. */
struct MapGroups
{
    std::vector<int> groupOfPoint;
    QStringList names;
    QString noneName; ///< what the grey points are ("unlabeled", "no prediction"); empty when there are none
};

/** "Label", "Split", …, for the Colour by choice. */
QString colouringName(MapColouring colouring);

/**
 * The groups of `map`'s points under `colouring`: the sample's label (the dataset's class
 * order, else first appearance), its split, the model's predicted class, whether that
 * prediction is the label, or which modalities it has. `dataset` is the one the map's
 * indices refer to; `classNames` names the map's predictions. O(points).
 */
MapGroups mapGroups(const EmbeddingMap &map, const Dataset &dataset, const QStringList &classNames, MapColouring colouring);

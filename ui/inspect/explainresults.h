#pragma once

#include "core/explain/explanation.h"
#include "core/explain/tokengeometry.h"

#include <QtCore/QMetaType>
#include <QtCore/QStringList>
#include <QtCore/QVector>
#include <QtGui/QImage>

#include <array>

/** The model the Inspect panel explains with, as the worker opened it. Plain values. */
struct ExplainModelInfo
{
    QString path;
    QString fusion;          ///< "attention", ... or "external"
    QStringList classNames;  ///< logit columns
    bool hasMeta = false;
    bool predicts = true;    ///< false for a model learnt without labels: it has no class to predict
    QString summary;         ///< one line for people: fusion, classes, recorded test accuracy
};

/** One explained sample and the picture to draw its attention over; made on the worker. */
struct ExplainedSample
{
    SampleExplanation explanation;
    QImage image; ///< the original image, reduced to at most 512 px; null when the sample has none
};

/** One sample's outcome from the worker's predictions pass: what the navigator filters on. */
struct SampleOutcome
{
    int index = -1;                  ///< dataset index
    QString predicted;               ///< class name predicted with every modality the sample has
    std::array<QString, 3> unimodal; ///< class predicted from each modality alone; empty when absent
    double disagreement = 0.0;       ///< mean total-variation distance between the unimodal predictions
    bool signConflict = false;       ///< Shapley values of both signs
    int verdict = -1;                ///< 1 right (the class, or every tag), 0 wrong, -1 unknown or a regression

    /** At least two present modalities, alone, predict different classes. */
    bool modalitiesDisagree() const
    {
        QString first;
        for (const QString &says : unimodal) {
            if (says.isEmpty())
                continue;
            if (first.isEmpty())
                first = says;
            else if (says != first)
                return true;
        }
        return false;
    }
};

Q_DECLARE_METATYPE(ExplainModelInfo)
Q_DECLARE_METATYPE(ExplainedSample)
Q_DECLARE_METATYPE(SampleOutcome)

#pragma once

#include "core/data/dataissue.h"
#include "core/data/manifest.h"

#include <QtCore/QString>

/** What a load produced, in the numbers the user asks first. */
struct LoadSummary
{
    int samples = 0;
    int issues = 0;
    int skipped = 0; ///< manifest lines with an issue that did not become a sample

    /**
     * "11 958 samples loaded, 42 issues (12 skipped)"; before decoding finished (decoded
     * false) the samples are only "listed" and more issues may follow.
     */
    QString text(bool decoded = true) const;
};

LoadSummary summarizeLoad(const Manifest &manifest, const DataIssues &issues);

/** 11958 → "11 958" (narrow no-break space groups, the same in every locale). */
QString groupedNumber(qint64 value);

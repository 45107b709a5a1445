#pragma once

// Internal to core (includes torch): a whole sample explanation from a model and a dataset.

#include "core/data/dataset.h"
#include "core/explain/agreementheat.h"
#include "core/explain/explanation.h"
#include "core/explain/taskreadout.h"

#include <torch/script.h>

/** What the explanation engine needs to know about a model besides its module. */
struct ExplainSettings
{
    QStringList classNames;  ///< logit columns: classes, regression targets or tags
    TokenGeometry geometry;  ///< from the model's token layout; gaps are inferred from the maps
    bool gradInput = true;
    TaskReadout readout;     ///< what the game's value is, per task, and how the dataset's truth maps to the columns
};

/**
 * Explains dataset sample `index` with the module in eval mode. Never throws: a failing
 * forward leaves the reason in the result's error.
 */
SampleExplanation explainSample(torch::jit::Module &module, const Dataset &dataset, int index,
                                const ExplainSettings &settings);

/**
 * The model-free part: id, label, text pieces, presence, original image size, clip length and
 * target box. Then, once maps are in, finishTokenSources maps every token to its source.
 */
void describeSample(SampleExplanation *sample, const Dataset &dataset, int index, const TokenGeometry &geometry);
void finishTokenSources(SampleExplanation *sample);
/** Puts row `row`'s agreement heats (an aligned model's) first among the sample's image and audio heats. */
void preferAgreementHeats(SampleExplanation *sample, const AgreementHeats &heats, std::int64_t row);

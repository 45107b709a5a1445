#pragma once

// Internal to core (includes torch): the masked-modality reconstruction objective.

#include "core/data/batch.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <QtCore/QString>

#include <array>
#include <cstdint>

/**
 * Masked-modality autoencoding (`train --task reconstruct`): in each sample with two or more
 * modalities one present modality is hidden from the model, and a linear decoder reads what
 * its input held from the fused "embedding" of the others. The targets are fixed summaries of
 * the inputs themselves — the image pooled to 4 × 4 × 3, the log-mel's mean per band over
 * time, the caption's tokens hashed into 256 buckets — so, unlike predicting another
 * embedding, nothing can collapse to a constant. The decoders are parameters of the module
 * ("reconstruct_<modality>_weight" / "_bias", registered at set-up), so the optimiser,
 * checkpoints and resume treat them like every other weight; they ride along in the export
 * and do nothing there (like an MAE decoder, they only serve training).
 */
class MaskedReconstruction
{
public:
    static constexpr int kTextBuckets = 256;
    static constexpr int kImageCells = 4; ///< the image target: kImageCells² cells × 3 channels

    /** The summaries a hidden modality is read back as: [B, width] each (text: 0/1 per bucket). */
    struct Targets
    {
        torch::Tensor text;
        torch::Tensor image;
        torch::Tensor audio;
    };
    static Targets targetsOf(const Batch &batch);

    /**
     * Which present modality each row hides, [B] int64 (-1: a row with fewer than two, which
     * learns nothing): uniform among the present ones, drawn from (seed, draw) alone, so a
     * resumed run hides the same ones.
     */
    static torch::Tensor chooseHidden(const torch::Tensor &present, std::uint64_t seed, std::int64_t draw);

    /**
     * Registers the decoders on `module` (zeros) unless it has them — a resumed or fine-tuned
     * file does. `sample` is one batch, to learn the fused embedding's width and the targets'.
     * False with *error when the module returns no "embedding".
     */
    bool attach(torch::jit::Module &module, const Batch &sample, QString *error);

    /** The fused "embedding" of `batch` with each row's modality `hidden` (chooseHidden) masked out, as fp32. Throws without one. */
    static torch::Tensor maskedEmbedding(torch::jit::Module &module, const Batch &batch, const torch::Tensor &hidden);

    /**
     * The mean reconstruction loss: the decoders read `fused` (maskedEmbedding) and are scored
     * against `targets` of the hidden modality — MSE for the image and audio summaries, binary
     * cross-entropy for the text buckets —, each hiding row counted once. A zero still on the
     * graph when no row hides anything; *rows (optional) says how many did.
     */
    torch::Tensor loss(const torch::Tensor &fused, const torch::Tensor &hidden, const Targets &targets,
                       std::int64_t *rows = nullptr) const;

private:
    std::array<torch::Tensor, 3> m_weight; ///< [target width, D] per modality
    std::array<torch::Tensor, 3> m_bias;
};

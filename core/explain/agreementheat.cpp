#include "core/explain/agreementheat.h"

#include "core/explain/modelrunner.h"

namespace {

/** Rows scaled to sum 1; an all-zero row stays zero. */
at::Tensor rowDistribution(const at::Tensor &rows)
{
    return rows / rows.sum(1, /*keepdim=*/true).clamp_min(1e-30);
}

/** Σ_rows cos(own_row, partner_row), the partner fixed: the sum of the other present modalities' embeddings. */
at::Tensor agreementWithOthers(const ForwardOutput &output, int own)
{
    at::Tensor partner;
    for (int m = 0; m < 3; ++m) {
        const at::Tensor &embedding = output.modalityEmbeddings[std::size_t(m)];
        if (m != own && embedding.defined())
            partner = partner.defined() ? partner + embedding.detach() : embedding.detach();
    }
    const at::Tensor &mine = output.modalityEmbeddings[std::size_t(own)];
    if (!partner.defined() || !mine.defined())
        return {};
    const at::Tensor norms = (mine.norm(2, {1}) * partner.norm(2, {1})).clamp_min(1e-12);
    return ((mine * partner).sum(1) / norms).sum(); // an absent side is a zero row: adds 0
}

TokenHeat heatOf(const at::Tensor &heats, std::int64_t row, const QString &source)
{
    TokenHeat heat;
    if (!heats.defined() || row >= heats.size(0))
        return heat;
    const at::Tensor weights = heats.select(0, row).contiguous();
    if (weights.sum().item<float>() <= 0.0f)
        return heat;
    heat.source = source;
    heat.weights.assign(weights.data_ptr<float>(), weights.data_ptr<float>() + weights.numel());
    return heat;
}

} // namespace

AgreementHeats agreementHeats(torch::jit::Module &module, const Batch &batch, const TokenGeometry &geometry)
{
    AgreementHeats heats;
    const bool imageGrid = geometry.gridH > 0 && geometry.gridW > 0;
    const bool audioSpans = geometry.audioTokens > 0;
    if (!imageGrid && !audioSpans)
        return heats;
    const c10::InferenceMode notInference(false);
    const torch::AutoGradMode withGradients(true);
    // Clones outside inference mode are ordinary tensors that can take gradients.
    const at::Tensor image = batch.image.clone().requires_grad_(true);
    const at::Tensor audio = batch.audio.clone().requires_grad_(true);
    const ForwardOutput output = runForward(module, batch.text.clone(), image, audio, batch.present.clone(),
                                            /*keepAttention=*/false, /*needLogits=*/false);
    const at::Tensor imageAgreement = agreementWithOthers(output, int(Modality::Image));
    const at::Tensor audioAgreement = agreementWithOthers(output, int(Modality::Audio));
    at::Tensor total;
    for (const at::Tensor &part : {imageAgreement, audioAgreement}) {
        if (part.defined() && part.requires_grad())
            total = total.defined() ? total + part : part;
    }
    if (!total.defined())
        return heats;
    // One backward for both: the image's gradient comes from its own agreement (the partners are
    // fixed), the audio's from its own, as long as the encoders read only their own input.
    const auto grads = torch::autograd::grad({total}, {image, audio}, {}, /*retain_graph=*/false,
                                             /*create_graph=*/false, /*allow_unused=*/true);
    torch::NoGradGuard noGrad;
    const at::Tensor present = batch.present.to(torch::kFloat32);
    if (imageGrid && grads[0].defined()) {
        const at::Tensor pixels = (grads[0] * image.detach()).sum(1, /*keepdim=*/true).abs(); // [B,1,S,S]
        const at::Tensor pooled = at::adaptive_avg_pool2d(pixels, {geometry.gridH, geometry.gridW}).flatten(1);
        heats.image = rowDistribution(pooled * present.select(1, int(Modality::Image)).unsqueeze(1)).to(torch::kFloat32);
    }
    if (audioSpans && grads[1].defined()) {
        // Against silence, not against zero: a normalised log-mel's zero is average loudness, and the
        // silence past a clip's end (the row's floor) would otherwise light up as strongly as speech.
        const at::Tensor silence = audio.detach().amin({1, 2, 3}, /*keepdim=*/true);
        const at::Tensor frames = (grads[1] * (audio.detach() - silence)).abs().sum({1, 2}).unsqueeze(1); // [B,1,F]
        const at::Tensor pooled = at::adaptive_avg_pool1d(frames, {geometry.audioTokens}).squeeze(1);
        heats.audio = rowDistribution(pooled * present.select(1, int(Modality::Audio)).unsqueeze(1)).to(torch::kFloat32);
    }
    return heats;
}

TokenHeat imageAgreementHeat(const AgreementHeats &heats, std::int64_t row)
{
    return heatOf(heats.image, row, QStringLiteral("gradient x input of image~others agreement"));
}

TokenHeat audioAgreementHeat(const AgreementHeats &heats, std::int64_t row)
{
    return heatOf(heats.audio, row, QStringLiteral("gradient x input of audio~others agreement"));
}

#include "core/explain/sampleexplainer.h"

#include "core/data/batch.h"
#include "core/data/imagedecoder.h"
#include "core/eval/modelio.h"
#include "core/explain/contributions.h"
#include "core/explain/pointinggame.h"

void describeSample(SampleExplanation *sample, const Dataset &dataset, int index, const TokenGeometry &geometry)
{
    const SampleRecord &record = dataset.record(index);
    sample->index = index;
    sample->sampleId = record.id;
    sample->label = record.label;
    sample->text = record.text;
    sample->present = dataset.presence(index);
    sample->geometry = geometry;
    sample->audioSeconds = dataset.audioSeconds(index);
    sample->hasTargetBox = targetBox(record.meta, &sample->targetBox);

    // Boxes are in the original image's pixels, and so are the token rectangles.
    ImageHeader header;
    QString ignored;
    if (record.hasImage() && readImageHeader(record.imagePath, &header, &ignored)) {
        sample->imageWidth = header.width;
        sample->imageHeight = header.height;
    } else {
        sample->imageWidth = dataset.preprocess().imageSize;
        sample->imageHeight = dataset.preprocess().imageSize;
    }

    const std::vector<std::int64_t> &ids = dataset.tokens(index);
    const int length = geometry.textLength > 0 ? geometry.textLength : int(ids.size());
    sample->textValid.assign(std::size_t(length), false);
    int used = 0;
    for (int t = 0; t < length && std::size_t(t) < ids.size(); ++t) {
        sample->textValid[std::size_t(t)] = sample->present[int(Modality::Text)] && ids[std::size_t(t)] != 0;
        used += sample->textValid[std::size_t(t)] ? 1 : 0;
    }
    const Tokenizer &tokenizer = dataset.tokenizer();
    QStringList pieces = tokenizer.isLoaded() ? tokenizer.pieces(record.text) : QStringList();
    if (pieces.size() < used) {
        // Pieces and ids disagree (no tokenizer): name each id by decoding it alone.
        pieces.clear();
        for (int t = 0; t < used; ++t)
            pieces << (tokenizer.isLoaded() ? tokenizer.decode({ids[std::size_t(t)]}) : QString::number(ids[std::size_t(t)]));
    }
    sample->textPieces = pieces.mid(0, used);
}

void preferAgreementHeats(SampleExplanation *sample, const AgreementHeats &heats, std::int64_t row)
{
    // The fusion's attention does not make a contrastive model's embeddings; the agreement's gradient does.
    TokenHeat image = imageAgreementHeat(heats, row);
    if (!image.weights.empty())
        sample->imageHeats.insert(sample->imageHeats.begin(), std::move(image));
    TokenHeat audio = audioAgreementHeat(heats, row);
    if (!audio.weights.empty())
        sample->audioHeats.insert(sample->audioHeats.begin(), std::move(audio));
}

void finishTokenSources(SampleExplanation *sample)
{
    const TokenGeometry &geometry = sample->geometry;
    sample->imageRects.clear();
    for (int k = 0; k < geometry.imageTokens(); ++k)
        sample->imageRects.push_back(geometry.imageTokenRect(k, sample->imageWidth, sample->imageHeight));
    sample->audioSpans.clear();
    for (int k = 0; k < geometry.audioTokens; ++k)
        sample->audioSpans.push_back(geometry.audioTokenSpan(k));
}

SampleExplanation explainSample(torch::jit::Module &module, const Dataset &dataset, int index,
                                const ExplainSettings &settings)
{
    SampleExplanation sample;
    sample.classNames = settings.classNames;
    if (index < 0 || index >= dataset.size()) {
        sample.error = QStringLiteral("no sample %1 in a dataset of %2").arg(index).arg(dataset.size());
        return sample;
    }
    describeSample(&sample, dataset, index, settings.geometry);
    AgreementHeats agreement; // an aligned model's: where image and sound match the rest
    try {
        const Batch one = makeBatch(dataset, {index});
        SampleForward forward = explainOne(module, one, settings.gradInput, settings.readout);
        sample.probabilities = std::move(forward.probabilities);
        sample.predicted = forward.predicted;
        sample.outputShapley = std::move(forward.outputShapley);
        sample.task = settings.readout.task.kind;
        if (sample.task == TaskKind::Multilabel)
            sample.thresholds = settings.readout.task.thresholds;
        if (settings.readout.task.hasTargets() && !dataset.record(index).targets.empty()) {
            const at::Tensor truth = settings.readout.truth(one).to(torch::kFloat32).contiguous();
            sample.truth.assign(truth.data_ptr<float>(), truth.data_ptr<float>() + truth.numel());
        }
        sample.maps = std::move(forward.maps);
        sample.contribution = forward.contribution;
        sample.agreement = forward.agreement;
        if (settings.readout.isJoint())
            agreement = agreementHeats(module, one, settings.geometry);
    } catch (const std::exception &error) {
        sample.error = QStringLiteral("explaining sample %1 failed: %2").arg(sample.sampleId, torchErrorSentence(error));
        return sample;
    }
    for (int c = int(sample.classNames.size()); c < int(sample.probabilities.size()); ++c)
        sample.classNames << QString::number(c);
    summariseAttention(&sample);
    preferAgreementHeats(&sample, agreement, 0);
    finishTokenSources(&sample);
    return sample;
}

#include "core/eval/retrieval.h"

#include "core/data/dataset.h"

#include <QtCore/QHash>
#include <QtCore/QJsonObject>
#include <QtCore/QStringList>

#include <algorithm>
#include <cmath>

namespace {

const char *const kModalityNames[3] = {"text", "image", "audio"};
const char *const kGalleryNouns[3] = {"texts", "images", "recordings"};
constexpr std::int64_t kQueryChunk = 1024;

/** Row of the first sample of each distinct file among the rows that have `modality`. */
std::vector<std::int64_t> galleryRows(const torch::Tensor &present, const torch::Tensor &sources, int modality)
{
    std::vector<std::int64_t> rows;
    std::vector<bool> seen;
    const auto has = present.accessor<float, 2>();
    const auto source = sources.accessor<std::int64_t, 2>();
    for (std::int64_t row = 0; row < present.size(0); ++row) {
        const std::int64_t id = source[row][modality];
        if (has[row][modality] <= 0.5f || id < 0)
            continue;
        if (std::size_t(id) >= seen.size())
            seen.resize(std::size_t(id) + 1, false);
        if (seen[std::size_t(id)])
            continue;
        seen[std::size_t(id)] = true;
        rows.push_back(row);
    }
    return rows;
}

double median(std::vector<double> values)
{
    if (values.empty())
        return std::nan("");
    const std::size_t middle = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(middle), values.end());
    if (values.size() % 2 == 1)
        return values[middle];
    const double upper = values[middle];
    const double lower = *std::max_element(values.begin(), values.begin() + std::ptrdiff_t(middle));
    return 0.5 * (lower + upper);
}

RetrievalScore scorePair(const std::array<torch::Tensor, 3> &embeddings, const torch::Tensor &present,
                         const torch::Tensor &sources, const torch::Tensor &labels, int query, int gallery)
{
    RetrievalScore score;
    score.query = query;
    score.gallery = gallery;
    const std::vector<std::int64_t> galleryIndex = galleryRows(present, sources, gallery);
    const torch::Tensor both = ((present.select(1, query) > 0.5) & (present.select(1, gallery) > 0.5)).nonzero().squeeze(1);
    score.queries = int(both.size(0));
    score.gallerySize = int(galleryIndex.size());
    if (score.queries == 0 || galleryIndex.empty())
        return score;
    const torch::Tensor galleryRowsTensor = torch::tensor(galleryIndex, torch::kInt64);
    const torch::Tensor galleryVectors = embeddings[std::size_t(gallery)].index_select(0, galleryRowsTensor).to(torch::kFloat32);
    const torch::Tensor galleryIds = sources.index_select(0, galleryRowsTensor).select(1, gallery);
    const bool withLabels = labels.defined();
    const torch::Tensor galleryLabels = withLabels ? labels.index_select(0, galleryRowsTensor) : torch::Tensor();
    const std::int64_t topK = std::min<std::int64_t>(10, score.gallerySize);

    std::vector<double> ranks;
    ranks.reserve(std::size_t(score.queries));
    double hits1 = 0, hits5 = 0, hits10 = 0, classHits1 = 0, classHits10 = 0, labelled = 0;
    for (std::int64_t start = 0; start < score.queries; start += kQueryChunk) {
        const torch::Tensor rows = both.slice(0, start, std::min<std::int64_t>(start + kQueryChunk, score.queries));
        const torch::Tensor similarity = embeddings[std::size_t(query)].index_select(0, rows).to(torch::kFloat32).matmul(galleryVectors.t());
        const torch::Tensor own = sources.index_select(0, rows).select(1, gallery);
        const torch::Tensor isOwn = own.unsqueeze(1).eq(galleryIds.unsqueeze(0)); // exactly one per row
        const torch::Tensor ownScore = similarity.masked_fill(~isOwn, -std::numeric_limits<float>::infinity()).amax(1, true);
        // Ties count against the query: every other item scoring as high is ranked above it.
        const torch::Tensor rank = (similarity.ge(ownScore) & ~isOwn).sum(1) + 1;
        const auto rankData = rank.accessor<std::int64_t, 1>();
        for (std::int64_t i = 0; i < rank.size(0); ++i) {
            const double r = double(rankData[i]);
            ranks.push_back(r);
            hits1 += r <= 1;
            hits5 += r <= 5;
            hits10 += r <= 10;
        }
        if (withLabels) {
            const torch::Tensor queryLabels = labels.index_select(0, rows);
            const torch::Tensor top = std::get<1>(similarity.topk(topK, 1));
            const torch::Tensor same = galleryLabels.index_select(0, top.flatten()).view_as(top).eq(queryLabels.unsqueeze(1));
            const torch::Tensor known = queryLabels.ge(0);
            labelled += known.sum().item<double>();
            classHits1 += (same.select(1, 0) & known).sum().item<double>();
            classHits10 += (same.to(torch::kFloat64).mean(1) * known.to(torch::kFloat64)).sum().item<double>();
        }
    }
    const double n = double(score.queries);
    score.recallAt1 = hits1 / n;
    score.recallAt5 = hits5 / n;
    score.recallAt10 = hits10 / n;
    score.medianRank = median(std::move(ranks));
    if (labelled > 0) {
        score.classPrecisionAt1 = classHits1 / labelled;
        score.classPrecisionAt10 = classHits10 / labelled;
    }
    return score;
}

QString percent(double value)
{
    return QStringLiteral("%1 %").arg(100.0 * value, 0, 'f', 1);
}

} // namespace

torch::Tensor modalitySources(const Dataset &dataset)
{
    std::array<QHash<QString, std::int64_t>, 3> ids;
    torch::Tensor sources = torch::full({dataset.size(), 3}, -1, torch::kInt64);
    auto table = sources.accessor<std::int64_t, 2>();
    for (int index = 0; index < dataset.size(); ++index) {
        const SampleRecord &record = dataset.record(index);
        // Inline text has no file: the same words are the same caption.
        const QString keys[3] = {record.textFile.isEmpty() ? record.text : record.textFile, record.imagePath,
                                 record.audioPath};
        for (int modality = 0; modality < 3; ++modality) {
            if (keys[modality].isEmpty())
                continue;
            auto &known = ids[std::size_t(modality)];
            auto found = known.constFind(keys[modality]); // QHash::emplace would overwrite an existing id
            if (found == known.cend())
                found = known.insert(keys[modality], known.size());
            table[index][modality] = found.value();
        }
    }
    return sources;
}

QString RetrievalScore::pairName() const
{
    return QStringLiteral("%1→%2").arg(QLatin1String(kModalityNames[query]), QLatin1String(kModalityNames[gallery]));
}

std::vector<RetrievalScore> retrievalScores(const std::array<torch::Tensor, 3> &embeddings, const torch::Tensor &present,
                                            const torch::Tensor &sources, const torch::Tensor &labels)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor flags = present.to(torch::kFloat32).contiguous();
    const torch::Tensor ids = sources.to(torch::kInt64).contiguous();
    std::vector<RetrievalScore> scores;
    for (int query = 0; query < 3; ++query) {
        for (int gallery = 0; gallery < 3; ++gallery) {
            if (query == gallery)
                continue;
            RetrievalScore score = scorePair(embeddings, flags, ids, labels, query, gallery);
            if (score.queries > 0 && score.gallerySize > 0)
                scores.push_back(score);
        }
    }
    return scores;
}

double meanRecallAt1(const std::vector<RetrievalScore> &scores)
{
    if (scores.empty())
        return std::nan("");
    double sum = 0.0;
    for (const RetrievalScore &score : scores)
        sum += score.recallAt1;
    return sum / double(scores.size());
}

QJsonArray retrievalJson(const std::vector<RetrievalScore> &scores)
{
    QJsonArray array;
    for (const RetrievalScore &score : scores) {
        QJsonObject entry{{QStringLiteral("query"), QLatin1String(kModalityNames[score.query])},
                          {QStringLiteral("gallery"), QLatin1String(kModalityNames[score.gallery])},
                          {QStringLiteral("queries"), score.queries},
                          {QStringLiteral("gallery_size"), score.gallerySize},
                          {QStringLiteral("recall_at_1"), score.recallAt1},
                          {QStringLiteral("recall_at_5"), score.recallAt5},
                          {QStringLiteral("recall_at_10"), score.recallAt10},
                          {QStringLiteral("median_rank"), score.medianRank}};
        if (std::isfinite(score.classPrecisionAt1)) {
            entry.insert(QStringLiteral("class_precision_at_1"), score.classPrecisionAt1);
            entry.insert(QStringLiteral("class_precision_at_10"), score.classPrecisionAt10);
        }
        array.append(entry);
    }
    return array;
}

QString retrievalText(const std::vector<RetrievalScore> &scores)
{
    QStringList lines;
    for (const RetrievalScore &score : scores) {
        QString line = QStringLiteral("  %1  R@1 %2  R@5 %3  R@10 %4  median rank %5")
                           .arg(score.pairName(), -12)
                           .arg(percent(score.recallAt1), 7)
                           .arg(percent(score.recallAt5), 7)
                           .arg(percent(score.recallAt10), 7)
                           .arg(score.medianRank);
        if (std::isfinite(score.classPrecisionAt1))
            line += QStringLiteral("  class P@1 %1  P@10 %2").arg(percent(score.classPrecisionAt1), percent(score.classPrecisionAt10));
        line += QStringLiteral("  (%1 queries, %2 %3)").arg(score.queries).arg(score.gallerySize).arg(QLatin1String(kGalleryNouns[score.gallery]));
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

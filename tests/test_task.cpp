// The task a dataset's labels call for (classify, regress or multilabel), the regression
// targets and tag sets read from them, the recorded task's JSON, and the regression scores
// against hand-computed values.
#include "core/data/dataset.h"
#include "core/data/manifest.h"
#include "core/data/task.h"
#include "core/eval/regressionscores.h"
#include "tests/testsupport.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>

namespace {

/** A text-only manifest whose rows carry these label values (JSON fragments), ids s0, s1, ... */
Manifest manifestWithLabels(const QTemporaryDir &dir, const QStringList &labels, TaskRequest task = TaskRequest::Auto,
                            const QString &tagSeparator = QStringLiteral("|"))
{
    QByteArray lines;
    for (int i = 0; i < labels.size(); ++i)
        lines += QStringLiteral(R"({"id":"s%1","text":"a sample","label":%2})").arg(i).arg(labels.at(i)).toUtf8() + '\n';
    testsupport::writeFile(dir.filePath(QStringLiteral("manifest.jsonl")), lines);
    return readManifest(dir.path(), {}, task, tagSeparator);
}

QString issuesText(const Manifest &manifest)
{
    QStringList lines;
    for (const DataIssue &issue : manifest.issues)
        lines << issue.toString();
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestTask : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classNamesAreClassified();
    void aFewIntegersAreClassIds();
    void fractionsAndManyIntegersAreRegressed();
    void objectLabelsNameTheTargets();
    void csvLabelColumnsNameTheTargets();
    void badTargetValuesAreIssuesNamingLineAndSample();
    void forcedTasksOverrideTheInference();
    void taskSpecJsonRoundTripAndRefusals();
    void chosenTargetsNarrowALoadedDataset();
    void tagListsAreMultilabel();
    void separatedTextIsMultilabel();
    void badTagSetsAreIssuesNamingLineAndSample();
    void tagListsUnderOtherTasksAreRefusedPerSample();
    void multilabelTaskSpecRoundTripAndRefusals();
    void regressionScoresMatchHandValues();
    void spearmanSharesTiedRanks();
    void signScoresSkipZeroTruths();
};

void TestTask::classNamesAreClassified()
{
    QTemporaryDir dir;
    const Manifest m = manifestWithLabels(dir, {QStringLiteral("\"cat\""), QStringLiteral("\"dog\""), QStringLiteral("\"7\"")});
    QCOMPARE(m.task, TaskKind::Classify);
    QCOMPARE(m.labels.size(), 3);
    QVERIFY(m.targetNames.isEmpty());
    QVERIFY2(m.taskReason.contains(QStringLiteral("class names")), qPrintable(m.taskReason));
    QVERIFY(m.samples[0].targets.empty());
}

void TestTask::aFewIntegersAreClassIds()
{
    QTemporaryDir dir;
    QStringList labels;
    for (int i = 0; i < 40; ++i)
        labels << QString::number(i % 10); // digits 0..9: MNIST-style class ids
    const Manifest m = manifestWithLabels(dir, labels);
    QCOMPARE(m.task, TaskKind::Classify);
    QCOMPARE(m.labels.size(), 10);
    QVERIFY2(m.taskReason.contains(QStringLiteral("--task regress")), qPrintable(m.taskReason));
}

void TestTask::fractionsAndManyIntegersAreRegressed()
{
    QTemporaryDir dir;
    const Manifest fractions = manifestWithLabels(dir, {QStringLiteral("0.5"), QStringLiteral("-1.25"), QStringLiteral("\"3\"")});
    QCOMPARE(fractions.task, TaskKind::Regress);
    QCOMPARE(fractions.targetNames, QStringList{QStringLiteral("label")});
    QVERIFY(fractions.labels.isEmpty());
    QCOMPARE(fractions.samples[1].targets, std::vector<float>{-1.25F});
    QCOMPARE(fractions.samples[2].targets, std::vector<float>{3.0F}); // a numeric string counts too
    QVERIFY2(fractions.taskReason.contains(QStringLiteral("not all integers")), qPrintable(fractions.taskReason));
    QVERIFY(fractions.issues.isEmpty());

    QTemporaryDir many;
    QStringList counts;
    for (int i = 0; i <= kMaxIntegerClassLabels; ++i)
        counts << QString::number(i * 3);
    const Manifest integers = manifestWithLabels(many, counts);
    QCOMPARE(integers.task, TaskKind::Regress);
    QVERIFY2(integers.taskReason.contains(QStringLiteral("%1 distinct").arg(kMaxIntegerClassLabels + 1)),
             qPrintable(integers.taskReason));
}

void TestTask::objectLabelsNameTheTargets()
{
    QTemporaryDir dir;
    const Manifest m = manifestWithLabels(dir, {QStringLiteral(R"({"y":0.25,"x":0.5})"), QStringLiteral(R"({"x":1})"),
                                                QStringLiteral(R"("unlabeled-looking")")});
    QCOMPARE(m.task, TaskKind::Regress);
    QCOMPARE(m.targetNames, (QStringList{QStringLiteral("x"), QStringLiteral("y")})); // sorted
    QCOMPARE(m.samples[0].targets, (std::vector<float>{0.5F, 0.25F}));
    QCOMPARE(m.samples[1].targets.size(), std::size_t(2));
    QCOMPARE(m.samples[1].targets[0], 1.0F);
    QVERIFY(std::isnan(m.samples[1].targets[1])); // y missing for this sample
    QCOMPARE(m.samples[0].label, QStringLiteral("x 0.5, y 0.25"));
    // A single value among named targets cannot be placed: that sample is unlabeled, and says so.
    QVERIFY(m.samples[2].targets.empty());
    QVERIFY(!m.samples[2].hasLabel());
    QCOMPARE(m.issues.size(), 1);
    QCOMPARE(m.issues[0].line, 3);
    QCOMPARE(m.issues[0].sampleId, QStringLiteral("s2"));
    QCOMPARE(m.issues[0].field, QStringLiteral("label"));
    QVERIFY2(m.issues[0].reason.contains(QStringLiteral("name their targets (x, y)")), qPrintable(m.issues[0].reason));
}

void TestTask::chosenTargetsNarrowALoadedDataset()
{
    QTemporaryDir dir;
    manifestWithLabels(dir, {QStringLiteral(R"({"x":0.5,"y":0.25})"), QStringLiteral(R"({"x":1})"), QStringLiteral(R"({"y":2})")});
    const std::shared_ptr<const Dataset> all = Dataset::load(dir.path());
    QVERIFY(all && all->loadError().isEmpty());
    QString error;
    QCOMPARE(Dataset::keepingTargets(all, {}, &error), all); // nothing chosen: every target
    const auto onlyY = Dataset::keepingTargets(all, {QStringLiteral("y")}, &error);
    QVERIFY2(onlyY, qPrintable(error));
    QCOMPARE(onlyY->targetNames(), QStringList{QStringLiteral("y")});
    QCOMPARE(onlyY->record(0).targets, std::vector<float>{0.25F});
    QVERIFY(!onlyY->hasTarget(1)); // only x: nothing left to learn from
    QCOMPARE(onlyY->record(2).targets, std::vector<float>{2.0F});
    QCOMPARE(onlyY->tokens(0), all->tokens(0)); // the same features
    QCOMPARE(all->targetNames().size(), 2);   // the loaded dataset is untouched
    QVERIFY(all->hasTarget(1));
    QVERIFY(!Dataset::keepingTargets(all, {QStringLiteral("y"), QStringLiteral("z")}, &error));
    QCOMPARE(error, QStringLiteral("the dataset has no target \"z\" (it has x, y)"));

    // Tags: kept in the dataset's order; a sample with none of them is a negative for each.
    QTemporaryDir tagged;
    manifestWithLabels(tagged, {QStringLiteral(R"(["a","b"])"), QStringLiteral(R"(["c"])"), QStringLiteral(R"(["b"])")});
    const std::shared_ptr<const Dataset> tags = Dataset::load(tagged.path());
    QVERIFY(tags && tags->task() == TaskKind::Multilabel);
    const auto ac = Dataset::keepingTargets(tags, {QStringLiteral("c"), QStringLiteral("a")}, &error);
    QVERIFY2(ac, qPrintable(error));
    QCOMPARE(ac->targetNames(), (QStringList{QStringLiteral("a"), QStringLiteral("c")}));
    QCOMPARE(ac->record(0).targets, (std::vector<float>{1.0F, 0.0F}));
    QCOMPARE(ac->record(1).targets, (std::vector<float>{0.0F, 1.0F}));
    QVERIFY(ac->hasTarget(2));
    QCOMPARE(ac->record(2).targets, (std::vector<float>{0.0F, 0.0F}));

    QTemporaryDir classes;
    manifestWithLabels(classes, {QStringLiteral(R"("cat")"), QStringLiteral(R"("dog")")});
    const std::shared_ptr<const Dataset> classified = Dataset::load(classes.path());
    QVERIFY(!Dataset::keepingTargets(classified, {QStringLiteral("cat")}, &error));
    QVERIFY2(error.contains(QStringLiteral("read as classes")), qPrintable(error));
}

void TestTask::csvLabelColumnsNameTheTargets()
{
    // A CSV cannot hold an object: "label.x" and "label.y" columns are the named targets; an
    // empty cell is a missing target, a word is an issue naming line and sample.
    QTemporaryDir dir;
    testsupport::writeFile(dir.filePath(QStringLiteral("manifest.csv")),
                           "id,text,label.y,label.x\ns0,a,0.25,0.5\ns1,b,,1\ns2,c,0.3,high\n");
    const Manifest m = readManifest(dir.path());
    QCOMPARE(m.task, TaskKind::Regress);
    QCOMPARE(m.targetNames, (QStringList{QStringLiteral("x"), QStringLiteral("y")}));
    QCOMPARE(m.samples[0].targets, (std::vector<float>{0.5F, 0.25F}));
    QCOMPARE(m.samples[1].targets[0], 1.0F);
    QVERIFY(std::isnan(m.samples[1].targets[1]));
    QVERIFY(std::isnan(m.samples[2].targets[0]));
    QCOMPARE(m.samples[2].targets[1], 0.3F);
    QCOMPARE(m.issues.size(), 1);
    QCOMPARE(m.issues[0].line, 4);
    QCOMPARE(m.issues[0].sampleId, QStringLiteral("s2"));
    QVERIFY2(m.issues[0].reason.contains(QStringLiteral("target \"x\" is \"high\", not a number")), qPrintable(m.issues[0].reason));
    // With the label column mapped, its dotted columns follow the mapping.
    QTemporaryDir mapped;
    testsupport::writeFile(mapped.filePath(QStringLiteral("manifest.csv")), "id,text,score.valence\ns0,a,-0.5\ns1,b,2\n");
    ColumnMap columns;
    QString error;
    QVERIFY(columns.parse(QStringLiteral("label=score"), &error));
    const Manifest sentiment = readManifest(mapped.path(), columns);
    QCOMPARE(sentiment.targetNames, QStringList{QStringLiteral("valence")});
    QCOMPARE(sentiment.samples[1].targets, std::vector<float>{2.0F});
}

void TestTask::badTargetValuesAreIssuesNamingLineAndSample()
{
    QTemporaryDir dir;
    const Manifest m = manifestWithLabels(dir, {QStringLiteral(R"({"x":0.5,"y":"high"})"), QStringLiteral(R"({"x":"n/a"})"),
                                                QStringLiteral(R"({})"), QStringLiteral(R"({"x":0.1,"y":0.2})")});
    QCOMPARE(m.task, TaskKind::Regress);
    const QString text = issuesText(m);
    QVERIFY2(text.contains(QStringLiteral("manifest.jsonl:1 [s0]: label: target \"y\" is \"high\", not a number")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("manifest.jsonl:2 [s1]: label: target \"x\" is \"n/a\"")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("manifest.jsonl:3 [s2]: label: is an empty object")), qPrintable(text));
    QCOMPARE(m.samples[0].targets[0], 0.5F);
    QVERIFY(std::isnan(m.samples[0].targets[1]));
    QVERIFY(m.samples[1].targets.empty()); // nothing usable left
    QCOMPARE(m.samples[3].targets, (std::vector<float>{0.1F, 0.2F}));
}

void TestTask::forcedTasksOverrideTheInference()
{
    QTemporaryDir dir;
    // --task regress on class names: each is an issue naming its value; the samples stay, unlabeled.
    const Manifest regress = manifestWithLabels(dir, {QStringLiteral("\"cat\""), QStringLiteral("2.5")}, TaskRequest::Regress);
    QCOMPARE(regress.task, TaskKind::Regress);
    QCOMPARE(regress.samples.size(), std::size_t(2));
    QVERIFY(regress.samples[0].targets.empty());
    QVERIFY2(issuesText(regress).contains(QStringLiteral("manifest.jsonl:1 [s0]: label: \"cat\" is not a number")),
             qPrintable(issuesText(regress)));
    QCOMPARE(regress.samples[1].targets, std::vector<float>{2.5F});
    QCOMPARE(regress.taskReason, QStringLiteral("regress (as asked)"));

    // --task classify on fractions: they are class names; on objects: unusable, said per sample.
    QTemporaryDir other;
    const Manifest classify = manifestWithLabels(other, {QStringLiteral("0.5"), QStringLiteral(R"({"x":1})")}, TaskRequest::Classify);
    QCOMPARE(classify.task, TaskKind::Classify);
    QCOMPARE(classify.labels, QStringList{QStringLiteral("0.5")});
    QVERIFY2(issuesText(classify).contains(QStringLiteral("manifest.jsonl:2 [s1]: label: is an object of numbers")),
             qPrintable(issuesText(classify)));
    TaskRequest request = TaskRequest::Auto;
    QVERIFY(parseTaskRequest(QStringLiteral(" Regress "), &request) && request == TaskRequest::Regress);
    QVERIFY(parseTaskRequest(QStringLiteral("multilabel"), &request) && request == TaskRequest::Multilabel);
    QVERIFY(!parseTaskRequest(QStringLiteral("ranking"), &request));
}

void TestTask::tagListsAreMultilabel()
{
    QTemporaryDir dir;
    const Manifest m = manifestWithLabels(dir, {QStringLiteral(R"(["dog", "cat"])"), QStringLiteral(R"(["cat"])"),
                                                QStringLiteral(R"(["tag10", "tag2", "cat", "cat"])"), QStringLiteral("\"cat\"")});
    QCOMPARE(m.task, TaskKind::Multilabel);
    QVERIFY2(m.taskReason.contains(QStringLiteral("lists of tags")), qPrintable(m.taskReason));
    // Tags sorted naturally (tag2 before tag10); one 0/1 target per tag; a plain string is a set of one.
    QCOMPARE(m.targetNames, (QStringList{QStringLiteral("cat"), QStringLiteral("dog"), QStringLiteral("tag2"), QStringLiteral("tag10")}));
    QVERIFY(m.labels.isEmpty());
    QCOMPARE(m.samples[0].targets, (std::vector<float>{1, 1, 0, 0}));
    QCOMPARE(m.samples[2].targets, (std::vector<float>{1, 0, 1, 1})); // the repeated "cat" counts once
    QCOMPARE(m.samples[3].targets, (std::vector<float>{1, 0, 0, 0}));
    QCOMPARE(m.samples[0].label, QStringLiteral("cat|dog")); // shown in the tags' order
    QVERIFY2(m.issues.isEmpty(), qPrintable(issuesText(m)));
}

void TestTask::separatedTextIsMultilabel()
{
    QTemporaryDir dir;
    const Manifest m = manifestWithLabels(dir, {QStringLiteral("\"beach|sunset\""), QStringLiteral("\"beach\""),
                                                QStringLiteral("\" city | night \"")});
    QCOMPARE(m.task, TaskKind::Multilabel);
    QVERIFY2(m.taskReason.contains(QStringLiteral("separated by \"|\"")), qPrintable(m.taskReason));
    QCOMPARE(m.targetNames, (QStringList{QStringLiteral("beach"), QStringLiteral("city"), QStringLiteral("night"), QStringLiteral("sunset")}));
    QCOMPARE(m.samples[2].targets, (std::vector<float>{0, 1, 1, 0})); // pieces are trimmed

    // Another separator, named by the user; "|" is then part of a tag.
    QTemporaryDir other;
    const Manifest semicolon = manifestWithLabels(other, {QStringLiteral("\"a;b\""), QStringLiteral("\"a|c\"")},
                                                  TaskRequest::Auto, QStringLiteral(";"));
    QCOMPARE(semicolon.task, TaskKind::Multilabel);
    QCOMPARE(semicolon.targetNames, (QStringList{QStringLiteral("a"), QStringLiteral("a|c"), QStringLiteral("b")}));
    // --task classify keeps "beach|sunset" one class name.
    QTemporaryDir third;
    const Manifest classify = manifestWithLabels(third, {QStringLiteral("\"beach|sunset\""), QStringLiteral("\"beach\"")},
                                                 TaskRequest::Classify);
    QCOMPARE(classify.task, TaskKind::Classify);
    QCOMPARE(classify.labels, (QStringList{QStringLiteral("beach"), QStringLiteral("beach|sunset")}));
}

void TestTask::badTagSetsAreIssuesNamingLineAndSample()
{
    QTemporaryDir dir;
    const Manifest m = manifestWithLabels(dir, {QStringLiteral(R"(["a", "b"])"), QStringLiteral("[]"), QStringLiteral(R"(["a", 3, " "])"),
                                                QStringLiteral("\"a||b\""), QStringLiteral("\"|\"")});
    QCOMPARE(m.task, TaskKind::Multilabel);
    const QString issues = issuesText(m);
    QVERIFY2(issues.contains(QStringLiteral("manifest.jsonl:2 [s1]: label: is an empty tag set; sample kept unlabeled")), qPrintable(issues));
    QVERIFY2(issues.contains(QStringLiteral("manifest.jsonl:3 [s2]: label: tag 2 is not a string, not a tag name; ignored")), qPrintable(issues));
    QVERIFY2(issues.contains(QStringLiteral("manifest.jsonl:3 [s2]: label: tag 3 is empty")), qPrintable(issues));
    QVERIFY2(issues.contains(QStringLiteral("manifest.jsonl:4 [s3]: label: \"a||b\" has an empty tag between separators")), qPrintable(issues));
    QVERIFY2(issues.contains(QStringLiteral("manifest.jsonl:5 [s4]: label: \"|\" is an empty tag set; sample kept unlabeled")), qPrintable(issues));
    QCOMPARE(m.samples.size(), std::size_t(5)); // every sample kept
    QVERIFY(m.samples[1].targets.empty() && m.samples[4].targets.empty());
    QCOMPARE(m.samples[2].targets, (std::vector<float>{1, 0}));
    QCOMPARE(m.samples[3].targets, (std::vector<float>{1, 1}));
}

void TestTask::tagListsUnderOtherTasksAreRefusedPerSample()
{
    QTemporaryDir dir;
    const Manifest classify = manifestWithLabels(dir, {QStringLiteral(R"(["a"])"), QStringLiteral("\"b\"")}, TaskRequest::Classify);
    QCOMPARE(classify.labels, QStringList{QStringLiteral("b")});
    QVERIFY2(issuesText(classify).contains(QStringLiteral("manifest.jsonl:1 [s0]: label: is a list of tags, which the classify task "
                                                          "cannot use; sample kept unlabeled (--task multilabel reads it)")),
             qPrintable(issuesText(classify)));
    QTemporaryDir other;
    const Manifest regress = manifestWithLabels(other, {QStringLiteral(R"(["a"])"), QStringLiteral("0.5")}, TaskRequest::Regress);
    QVERIFY(regress.samples[0].targets.empty());
    QCOMPARE(regress.samples[1].targets, std::vector<float>{0.5F});
    QVERIFY(issuesText(regress).contains(QStringLiteral("[s0]: label: is a list of tags, which the regress task")));
    // Objects under multilabel: named too.
    QTemporaryDir third;
    const Manifest tags = manifestWithLabels(third, {QStringLiteral(R"(["a"])"), QStringLiteral(R"({"x": 1})")});
    QCOMPARE(tags.task, TaskKind::Multilabel);
    QVERIFY(issuesText(tags).contains(QStringLiteral("[s1]: label: is an object of numbers, which the multilabel task cannot use")));
}

void TestTask::multilabelTaskSpecRoundTripAndRefusals()
{
    TaskSpec spec;
    spec.kind = TaskKind::Multilabel;
    spec.targets = QStringList{QStringLiteral("cat"), QStringLiteral("dog")};
    spec.thresholds = {0.3, 0.62};
    spec.posWeight = {4.0, 1.5};
    spec.tagSeparator = QStringLiteral(";");
    spec.loss = QStringLiteral("bce");
    const QJsonObject json = spec.toJson();
    QCOMPARE(json.value(QStringLiteral("tags")).toArray().size(), 2);
    QVERIFY(json.value(QStringLiteral("scaling")).toString().contains(QStringLiteral("sigmoid")));
    TaskSpec back;
    QString error;
    QVERIFY2(TaskSpec::fromJson(json, &back, &error), qPrintable(error));
    QVERIFY(back.isMultilabel() && back.hasTargets());
    QCOMPARE(back.targets, spec.targets);
    QCOMPARE(back.thresholds, spec.thresholds);
    QCOMPARE(back.posWeight, spec.posWeight);
    QCOMPARE(back.tagSeparator, QStringLiteral(";"));
    QCOMPARE(requestFor(back.kind), TaskRequest::Multilabel);
    QCOMPARE(taskScoreKey(back.kind), QStringLiteral("val_map"));
    // Thresholds left out (a hand-written file): 0.5 each.
    QJsonObject bare = json;
    bare.remove(QStringLiteral("thresholds"));
    QVERIFY(TaskSpec::fromJson(bare, &back, &error));
    QCOMPARE(back.thresholds, (std::vector<double>{0.5, 0.5}));
    QJsonObject bad = json;
    bad.insert(QStringLiteral("thresholds"), QJsonArray{0.3, 1.0});
    QVERIFY(!TaskSpec::fromJson(bad, &back, &error) && error.contains(QStringLiteral("\"dog\"")));
    bad = json;
    bad.insert(QStringLiteral("pos_weight"), QJsonArray{1.0});
    QVERIFY(!TaskSpec::fromJson(bad, &back, &error) && error.contains(QStringLiteral("one number per tag")));
    bad = json;
    bad.insert(QStringLiteral("tags"), QJsonArray());
    QVERIFY(!TaskSpec::fromJson(bad, &back, &error) && error.contains(QStringLiteral("\"tags\"")));
    bad = json;
    bad.insert(QStringLiteral("loss"), QStringLiteral("mse"));
    QVERIFY(!TaskSpec::fromJson(bad, &back, &error) && error.contains(QStringLiteral("bce")));
}

void TestTask::taskSpecJsonRoundTripAndRefusals()
{
    TaskSpec spec;
    spec.kind = TaskKind::Regress;
    spec.targets = QStringList{QStringLiteral("x"), QStringLiteral("y")};
    spec.mean = {0.5, -2.0};
    spec.std = {0.25, 3.0};
    spec.loss = QStringLiteral("huber");
    TaskSpec back;
    QString error;
    QVERIFY2(TaskSpec::fromJson(spec.toJson(), &back, &error), qPrintable(error));
    QCOMPARE(back.kind, TaskKind::Regress);
    QCOMPARE(back.targets, spec.targets);
    QCOMPARE(back.mean, spec.mean);
    QCOMPARE(back.std, spec.std);
    QCOMPARE(back.loss, QStringLiteral("huber"));
    QVERIFY(spec.toJson().value(QStringLiteral("scaling")).toString().contains(QStringLiteral("output * target_std + target_mean")));
    // No "task" at all: a model from before tasks is a classifier.
    QVERIFY(TaskSpec::fromJson(QJsonObject(), &back, &error));
    QCOMPARE(back.kind, TaskKind::Classify);
    // Malformed: each refused with the field named.
    QJsonObject bad = spec.toJson();
    bad.insert(QStringLiteral("kind"), QStringLiteral("ranking"));
    QVERIFY(!TaskSpec::fromJson(bad, &back, &error) && error.contains(QStringLiteral("task.kind")));
    bad = spec.toJson();
    bad.insert(QStringLiteral("target_std"), QJsonArray{0.25, 0.0});
    QVERIFY(!TaskSpec::fromJson(bad, &back, &error) && error.contains(QStringLiteral("\"y\"")));
    bad = spec.toJson();
    bad.insert(QStringLiteral("target_mean"), QJsonArray{0.5});
    QVERIFY(!TaskSpec::fromJson(bad, &back, &error) && error.contains(QStringLiteral("one number per target")));
    bad = spec.toJson();
    bad.insert(QStringLiteral("loss"), QStringLiteral("cross_entropy"));
    QVERIFY(!TaskSpec::fromJson(bad, &back, &error) && error.contains(QStringLiteral("task.loss")));
}

void TestTask::regressionScoresMatchHandValues()
{
    // y = 1 2 3 4, ŷ = 1.5 2 2 5: errors .5 0 -1 1.
    const TargetScores s = TargetScores::compute(QStringLiteral("v"), {1, 2, 3, 4}, {1.5, 2, 2, 5});
    QCOMPARE(s.samples, 4);
    QVERIFY(qAbs(s.mae - 2.5 / 4) < 1e-12);
    QVERIFY(qAbs(s.rmse - std::sqrt(2.25 / 4)) < 1e-12);
    QVERIFY(qAbs(s.r2 - (1.0 - 2.25 / 5.0)) < 1e-12); // SST = 5
    // Pearson by hand: means 2.5 and 2.625; co-deviation sum 5.25; squared deviations 5 and 7.6875.
    QVERIFY(qAbs(s.pearson - 5.25 / std::sqrt(5.0 * 7.6875)) < 1e-12);
    // NaN truths are skipped, not scored.
    const TargetScores skipped = TargetScores::compute(QStringLiteral("v"), {1, std::nan(""), 3}, {1, 100, 3});
    QCOMPARE(skipped.samples, 2);
    QCOMPARE(skipped.mae, 0.0);
    // A constant truth has no R² or correlation.
    const TargetScores constant = TargetScores::compute(QStringLiteral("v"), {2, 2, 2}, {1, 2, 3});
    QVERIFY(std::isnan(constant.r2) && std::isnan(constant.pearson));
    QVERIFY(qAbs(constant.mae - 2.0 / 3) < 1e-12);
}

void TestTask::spearmanSharesTiedRanks()
{
    // Truth ranks 1 2 3 4; predictions 10 20 20 30 rank 1 2.5 2.5 4 (scipy's rankdata "average").
    const TargetScores s = TargetScores::compute(QStringLiteral("v"), {1, 2, 3, 4}, {10, 20, 20, 30});
    // Pearson of (1,2,3,4) and (1,2.5,2.5,4): covariance 4.5, variances 5 and 4.5.
    QVERIFY2(qAbs(s.spearman - 4.5 / std::sqrt(5.0 * 4.5)) < 1e-12, qPrintable(QString::number(s.spearman)));
    const TargetScores monotone = TargetScores::compute(QStringLiteral("v"), {1, 2, 3, 4}, {1, 4, 9, 16});
    QCOMPARE(monotone.spearman, 1.0);
    QVERIFY(monotone.pearson < 1.0);
}

void TestTask::signScoresSkipZeroTruths()
{
    // MOSI's Acc-2 over non-zero truths: (+,+) (+,-) (-,-) (-,+) right, wrong, right, wrong; 0 skipped.
    const TargetScores s = TargetScores::compute(QStringLiteral("sentiment"), {2, 1, -1, -2, 0}, {1.5, -0.5, -1, 0.5, 3});
    QCOMPARE(s.signSamples, 4);
    QCOMPARE(s.signAccuracy, 0.5);
    QCOMPARE(s.signF1, 0.5); // TP 1, FP 1, FN 1
    const TargetScores positive = TargetScores::compute(QStringLiteral("x"), {0.2, 0.4}, {0.3, 0.5});
    QVERIFY(std::isnan(positive.signAccuracy)); // one sign only: not a sign task
    // JSON round trip keeps the undefined as null.
    RegressionReport report;
    report.targets = {s, positive};
    report.samples = 5;
    report.meanR2 = 0.25;
    const QByteArray json = QJsonDocument(report.toJson()).toJson();
    QVERIFY(json.contains("\"sign_accuracy\": null"));
    const RegressionReport back = RegressionReport::fromJson(QJsonDocument::fromJson(json).object());
    QCOMPARE(back.targets.size(), std::size_t(2));
    QCOMPARE(back.targets[0].signF1, 0.5);
    QVERIFY(std::isnan(back.targets[1].signAccuracy));
    QCOMPARE(back.meanR2, 0.25);
}

QTEST_GUILESS_MAIN(TestTask)
#include "test_task.moc"

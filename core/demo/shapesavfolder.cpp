#include "core/demo/shapesavfolder.h"

#include "core/demo/shapesavscene.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>

namespace {

QByteArray firstLine(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readLine(64 * 1024).trimmed();
}

bool writeReadmeText(const QString &path, const QString &text, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

/** README.txt of the Objects-AV kind (after the marker line). */
QString objectsReadme(const ShapesAvOptions &options, const QStringList &shapes, const QStringList &colours,
                      const QStringList &voices, const QStringList &speeds)
{
    return QStringLiteral(R"(

OBJECTS-AV (--kind objects)

THE TASK
Each sample is a %1x%1 PNG showing one large shape among a few small ones (clutter), a
caption naming it ("a red circle", "there is a red circle", or in Chinese "一个红色的圆形";
about 30 % of the captions), and a recording of its name ("red circle"). The label is that
name: one of 36 classes (6 colours x 6 shapes). Unlike Shapes-AV, every modality describes
the same object, so each alone can tell the class: the dataset is for aligning the
modalities (contrastive training, text <-> image <-> audio retrieval) and for learning from
few labels. About 25 % of the samples have no caption, 12 % no recording and 8 % no image
(never more than one missing).

FILES
  manifest.jsonl   id, text, image, audio (null where missing), label, split (80/10/10 within
                   every ten samples) and meta: target_box [x0,y0,x1,y1) of the named shape in
                   pixels, its shape and colour, voice, speed, snr_db, language, clutter count.
  images/          PNG
  audio/           16 kHz mono Ogg/Vorbis: the colour word, a 40-150 ms pause, the shape word

VARIATION
  shapes           %2
  colours          %3
  voices           espeak-ng %4
  speeds (wpm)     %5
  per sample       3-6 small shapes of other classes and 3 grey lines behind the named one;
                   its size (0.17-0.26 of the side, as radius) and position; leading
                   silence (0.05-0.30 s), gain (+-3 dB), white noise at 8-30 dB SNR

GENERATED WITH
  fusionscope demo-data --kind objects --samples %6 --seed %7 --image-size %1
The same arguments always write byte-identical files.
)")
        .arg(options.imageSize)
        .arg(shapes.join(QStringLiteral(", ")), colours.join(QStringLiteral(", ")), voices.join(QStringLiteral(", ")),
             speeds.join(QStringLiteral(", ")))
        .arg(options.samples)
        .arg(options.seed);
}

} // namespace

QString shapesAvReadmeMarker()
{
    return QStringLiteral("Shapes-AV demo dataset (written by fusionscope demo-data)");
}

bool isShapesAvFolder(const QString &dir)
{
    const QDir root(dir);
    if (QString::fromUtf8(firstLine(root.filePath(QStringLiteral("README.txt")))) == shapesAvReadmeMarker())
        return true;
    const QByteArray line = firstLine(root.filePath(QStringLiteral("manifest.jsonl")));
    return line.contains("\"target_box\"") && line.contains("\"voice\"") && line.contains("\"objects\"");
}

bool prepareShapesAvFolder(const QString &dir, bool force, QString *error)
{
    if (dir.isEmpty()) {
        *error = QStringLiteral("no output folder given (--out DIR)");
        return false;
    }
    const QFileInfo info(dir);
    if (info.exists() && !info.isDir()) {
        *error = QStringLiteral("%1 exists and is not a folder").arg(dir);
        return false;
    }
    QDir root(dir);
    if (info.exists() && !root.isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System)) {
        if (isShapesAvFolder(dir)) {
            if (!force) {
                *error = QStringLiteral("%1 already holds a Shapes-AV dataset; pass --force to overwrite it").arg(dir);
                return false;
            }
            // Only what demo-data writes goes; anything else the user put there stays.
            for (const char *name : {"manifest.jsonl", "README.txt"}) {
                const QString path = root.filePath(QLatin1String(name));
                if (QFileInfo::exists(path) && !QFile::remove(path)) {
                    *error = QStringLiteral("cannot remove %1").arg(path);
                    return false;
                }
            }
            for (const char *name : {"images", "audio"}) {
                QDir sub(root.filePath(QLatin1String(name)));
                if (sub.exists() && !sub.removeRecursively()) {
                    *error = QStringLiteral("cannot remove %1").arg(sub.path());
                    return false;
                }
            }
        } else {
            const bool dataset = root.exists(QStringLiteral("manifest.jsonl")) || root.exists(QStringLiteral("manifest.csv"));
            *error = dataset ? QStringLiteral("%1 holds another dataset (not Shapes-AV); refusing to overwrite it, "
                                              "choose an empty or new folder").arg(dir)
                             : QStringLiteral("%1 is not empty and holds no dataset manifest; refusing to write into it, "
                                              "choose an empty or new folder").arg(dir);
            return false;
        }
    }
    for (const char *sub : {"images", "audio"}) {
        if (!root.mkpath(QLatin1String(sub))) {
            *error = QStringLiteral("cannot create %1").arg(root.filePath(QLatin1String(sub)));
            return false;
        }
    }
    return true;
}

bool writeShapesAvReadme(const QString &path, const ShapesAvOptions &options, QString *error)
{
    QStringList shapes, colours, voices;
    for (int i = 0; i < kShapesAvShapes; ++i)
        shapes << QStringLiteral("%1 (%2)").arg(shapesAvShapeName(i), shapesAvShapeNameZh(i));
    for (int i = 0; i < kShapesAvColours; ++i)
        colours << shapesAvColourName(i);
    for (const ShapesAvVoice &voice : shapesAvVoices())
        voices << QLatin1String(voice.name);
    QStringList speeds;
    for (int speed : shapesAvSpeeds())
        speeds << QString::number(speed);

    if (options.kind == QLatin1String("objects"))
        return writeReadmeText(path, shapesAvReadmeMarker() + objectsReadme(options, shapes, colours, voices, speeds), error);
    const QString text = shapesAvReadmeMarker() + QStringLiteral(R"(

THE TASK
Each sample is a %1x%1 PNG of a 3x3 grid of coloured shapes, a short question naming a
shape ("where is the circle?", or in Chinese, "圆形在哪里？"; about a quarter of the
samples), and a spoken colour ("red"). The label is the grid cell, cell_<row*3+column>,
holding the shape named in the text IN the colour spoken in the audio.

Every scene holds all four combinations of two shapes x two colours in four random cells,
plus, in about half of the scenes, one extra object whose shape and colour are both
outside that pair (it is never the answer). The target is one of the four. So no single
modality or pair of modalities can answer:

  ceiling by construction     accuracy
  image alone                 25 %  (four candidates look alike)
  image + text                50 %  (two objects have the shape)
  image + audio               50 %  (two objects have the colour)
  text + audio                11 %  (cells are random: 1 in 9)
  all three                  100 %

FILES
  manifest.jsonl   one JSON object per sample: id, text, image, audio, label, split
                   (80/10/10 within every ten samples) and meta: target_box [x0,y0,x1,y1) of the target
                   cell in pixels (for scoring attention maps), the target's shape and
                   colour, voice, speed, snr_db, language, and every object in the scene.
  images/          the scenes, PNG
  audio/           the spoken colours, 16 kHz mono Ogg/Vorbis

VARIATION
  shapes           %2
  colours          %3
  voices           espeak-ng %4
  speeds (wpm)     %5
  per sample       random leading silence (0.05-0.35 s), gain (+-3 dB), white noise at
                   10-30 dB SNR; shape size and position jitter within the cell

GENERATED WITH
  fusionscope demo-data --samples %6 --seed %7 --image-size %1%8
The same arguments always write byte-identical files.
)")
                             .arg(options.imageSize)
                             .arg(shapes.join(QStringLiteral(", ")), colours.join(QStringLiteral(", ")),
                                  voices.join(QStringLiteral(", ")), speeds.join(QStringLiteral(", ")))
                             .arg(options.samples)
                             .arg(options.seed)
                             .arg(options.kind == QLatin1String("cells") ? QString() : QStringLiteral(" --kind ") + options.kind)
                         + (options.kind == QLatin1String("position") ? QStringLiteral(R"(
THIS VARIANT: --kind position (regression)
The label is not the cell but the target's centre, {"x": .., "y": ..}, as fractions of the
image side (0 = left/top, 1 = right/bottom), the jitter within the cell included. The same
scenes, so the same argument holds: only all three modalities together locate the target.
)") : QString())
                         + (options.kind == QLatin1String("matches") ? QStringLiteral(R"(
THIS VARIANT: --kind matches (multi-label)
The label is the set of cells whose object has the named shape OR the spoken colour:
["cell_2", "cell_4", "cell_7"], always three (the target, the other object of its shape and
the other of its colour; the fourth combination and the extra object share neither). The
image with the text finds the shape's two cells but not which of the other two has the
colour; with the audio, the reverse: only all three together get every tag right.
)") : QString());
    return writeReadmeText(path, text, error);
}

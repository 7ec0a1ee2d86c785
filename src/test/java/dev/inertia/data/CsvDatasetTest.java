package dev.inertia.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private float[] row(Dataset d, int i) {
        float[] r = new float[d.features()];
        d.copyFeatures(i, r, 0);
        return r;
    }

    /** Reads {@code text} as {@code name} and returns the message of the CsvFormatException. */
    private String error(String name, String text, CsvOptions options) throws IOException {
        Path file = write(name, text);
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvDataset.read(file, options));
        assertEquals(file.toString(), e.file());
        return e.getMessage();
    }

    @Test
    void readsClassification() throws IOException {
        Path file = write("iris.csv", "a,b,species\n1,2,setosa\n3.5,-4e1,virginica\n5,6,setosa\n");
        CsvDataset d = CsvDataset.read(file, CsvOptions.target("species"));
        assertEquals("iris.csv", d.name());
        assertEquals(3, d.size());
        assertArrayEquals(new int[] {2}, d.exampleShape());
        assertEquals(List.of("a", "b"), d.featureNames());
        assertEquals(List.of("setosa", "virginica"), d.classNames());
        assertArrayEquals(new float[] {3.5f, -40f}, row(d, 1));
        assertArrayEquals(new int[] {2, 1}, d.classCounts());
        assertEquals(1, d.label(1));
        assertEquals(3, d.line(1));
        assertEquals("species", d.targetColumn());
        assertFalse(d.hasRawRows());
        assertThrows(IllegalStateException.class, () -> d.rawRow(0));
    }

    @Test
    void readsRegression() throws IOException {
        Path file = write("houses.csv", "rooms;price\n3;100.5\n4;120\n");
        CsvDataset d = CsvDataset.read(file, CsvOptions.target("price").regression());
        assertEquals(0, d.classes());
        assertEquals(1, d.targetWidth());
        assertEquals(List.of(), d.classNames());
        float[] t = new float[1];
        d.copyTarget(0, t, 0);
        assertEquals(100.5f, t[0]);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.label(0));
        assertEquals("houses.csv has no class labels (a regression target)", e.getMessage());
    }

    @Test
    void quotedFields() throws IOException {
        Path file = write("q.csv", "\"x, the first\",\"y\"\"s\",label\n\"1\",2,\"a,\"\"b\"\"\nc\"\n3,\"4\",plain\n");
        CsvDataset d = CsvDataset.read(file, CsvOptions.target("label"), List.of("x, the first", "y\"s"));
        assertEquals(List.of("x, the first", "y\"s", "label"), d.header());
        assertEquals(List.of("a,\"b\"\nc", "plain"), d.classNames());
        assertEquals(List.of("1", "2", "a,\"b\"\nc"), d.rawRow(0));
        assertArrayEquals(new float[] {3, 4}, row(d, 1));
        assertEquals(4, d.line(1)); // the quoted line break made row 0 two lines long
    }

    @Test
    void separatorsBomCrlfAndBlankLines() throws IOException {
        CsvDataset semi = CsvDataset.read(write("s.csv", "\uFEFFa;b;y\r\n1.5;2;0\r\n3;4;1\r\n\r\n"),
                CsvOptions.target("y"));
        assertEquals(List.of("a", "b"), semi.featureNames());
        assertEquals(2, semi.size());
        assertArrayEquals(new float[] {1.5f, 2}, row(semi, 0));
        assertEquals(List.of("0", "1"), semi.classNames());
        // a decimal comma: ';' is detected, and "1,5" is one field that is not a number
        Path comma = write("comma.csv", "a;b;y\n1,5;2;0\n");
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.read(comma, CsvOptions.target("y")));
        assertTrue(e.getMessage().endsWith("line 2, column 1 'a': '1,5' is not a number"), e.getMessage());
        CsvDataset tab = CsvDataset.read(write("t.tsv", "a\tb\ty\n1\t2\tu\n\n3\t4\tv"), CsvOptions.target("y"));
        assertArrayEquals(new float[] {3, 4}, row(tab, 1));
        assertEquals(4, tab.line(1));
        CsvDataset cr = CsvDataset.read(write("cr.csv", "a,y\r1,p\r2,q"), CsvOptions.target("y"));
        assertEquals(2, cr.size());
        assertEquals(3, cr.line(1));
        CsvDataset explicitTab = CsvDataset.read(write("t2.tsv", "a,b\ty\n1.5\tu\n"),
                CsvOptions.target("y").separator('\t'));
        assertEquals(List.of("a,b"), explicitTab.featureNames());
    }

    @Test
    void gzip() throws IOException {
        Path file = dir.resolve("data.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("a,y\n1,x\n2,y\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(2, CsvDataset.read(file, CsvOptions.target("y")).size());
        Path misnamed = dir.resolve("data.csv");
        Files.copy(file, misnamed);
        assertEquals(2, CsvDataset.read(misnamed, CsvOptions.target("y")).size());
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("cut.csv.gz");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 12));
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.read(truncated, CsvOptions.target("y")));
        assertTrue(e.getMessage().startsWith(truncated + ": truncated gzip stream"), e.getMessage());
    }

    @Test
    void columnSelection() throws IOException {
        Path file = write("c.csv", "id,a,b,c,y\n1,2,3,4,k\n");
        assertEquals(List.of("a", "b", "c"), CsvDataset.read(file, CsvOptions.target("y").exclude("id"))
                .featureNames());
        CsvDataset d = CsvDataset.read(file, CsvOptions.target("y").include("c", "a"));
        assertEquals(List.of("a", "c"), d.featureNames()); // file order
        assertArrayEquals(new float[] {2, 4}, row(d, 0));
        assertEquals(List.of("c"), CsvDataset.read(file, CsvOptions.target("y").include("c", "a").exclude("a"))
                .featureNames());
        CsvDataset model = CsvDataset.read(file, CsvOptions.target("y"), List.of("c", "a"));
        assertEquals(List.of("c", "a"), model.featureNames()); // the model's order
        assertArrayEquals(new float[] {4, 2}, row(model, 0));
        assertEquals(file + ": line 1: no included column 'z' in the header; the columns are: id, a, b, c, y",
                error("c.csv", "id,a,b,c,y\n1,2,3,4,k\n", CsvOptions.target("y").include("z")));
        assertEquals(file + ": line 1: no excluded column 'q' in the header; the columns are: id, a, b, c, y",
                error("c.csv", "id,a,b,c,y\n1,2,3,4,k\n", CsvOptions.target("y").exclude("q")));
        assertEquals(file + ": line 1, column 5 'y': the target column cannot be included as a feature",
                error("c.csv", "id,a,b,c,y\n1,2,3,4,k\n", CsvOptions.target("y").include("a", "y")));
        assertThrows(IllegalArgumentException.class, () -> CsvOptions.target("y").exclude("y"));
    }

    @Test
    void classOrders() throws IOException {
        Path file = write("o.csv", "x,y\n1,10\n2,9\n3,2\n4,10\n");
        CsvDataset sorted = CsvDataset.read(file, CsvOptions.target("y"));
        assertEquals(List.of("2", "9", "10"), sorted.classNames()); // numerically, not "10" < "2"
        assertEquals(2, sorted.label(0));
        CsvDataset first = CsvDataset.read(file, CsvOptions.target("y").classOrder(
                CsvOptions.ClassOrder.FIRST_APPEARANCE));
        assertEquals(List.of("10", "9", "2"), first.classNames());
        assertEquals(0, first.label(3));
        Path text = write("t.csv", "x,y\n1,b\n2,a\n3,B\n");
        assertEquals(List.of("B", "a", "b"), CsvDataset.read(text, CsvOptions.target("y")).classNames());
        CsvDataset fixed = CsvDataset.read(text, CsvOptions.target("y").classNames(List.of("b", "a", "B", "c")));
        assertEquals(List.of("b", "a", "B", "c"), fixed.classNames());
        assertEquals(4, fixed.classes());
        assertEquals(2, fixed.label(2));
    }

    @Test
    void evaluationMapsClassesWithTheModels() throws IOException {
        Path file = write("e.csv", "b,a,y\n1,2,no\n3,4,maybe\n");
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvDataset.read(file,
                CsvOptions.target("y").classNames(List.of("no", "yes")), List.of("a", "b")));
        assertEquals(file + ": line 3, column 3 'y': class 'maybe' is not one of the known classes (no, yes)",
                e.getMessage());
        assertEquals(3, e.line());
        assertEquals(3, e.column());
    }

    @Test
    void featuresForPrediction() throws IOException {
        Path file = write("p.csv", "id,b,a\n\"x1\", 2 ,1\nx2,4,3\n");
        CsvDataset d = CsvDataset.features(file, CsvOptions.noTarget(), List.of("a", "b"));
        assertFalse(d.hasTargets());
        assertEquals(0, d.classes());
        assertEquals(0, d.targetWidth());
        assertEquals(List.of("id", "b", "a"), d.header());
        assertEquals(List.of("x1", " 2 ", "1"), d.rawRow(0)); // the text as written
        assertArrayEquals(new float[] {1, 2}, row(d, 0));
        assertArrayEquals(new float[] {3, 4}, row(d, 1));
        CsvFormatException e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.features(file, CsvOptions.noTarget(), List.of("a", "c")));
        assertEquals(file + ": line 1: no feature column 'c' in the header; the columns are: id, b, a",
                e.getMessage());
        e = assertThrows(CsvFormatException.class,
                () -> CsvDataset.features(file, CsvOptions.noTarget(), List.of("id", "a")));
        assertEquals(file + ": line 2, column 1 'id': 'x1' is not a number", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CsvDataset.read(file, CsvOptions.noTarget()));
    }

    @Test
    void cellErrorsNameLineAndColumn() throws IOException {
        Path f = dir.resolve("bad.csv");
        CsvOptions y = CsvOptions.target("y");
        assertEquals(f + ": line 3, column 2 'b': 'abc' is not a number",
                error("bad.csv", "a,b,y\n1,2,p\n3,abc,q\n", y));
        assertEquals(f + ": line 2, column 1 'a': empty cell (missing values are not supported)",
                error("bad.csv", "a,b,y\n,2,p\n", y));
        assertEquals(f + ": line 2, column 2 'b': 'NaN' is not finite",
                error("bad.csv", "a,b,y\n1,NaN,p\n", y));
        assertEquals(f + ": line 2, column 2 'b': '-inf' is not finite",
                error("bad.csv", "a,b,y\n1,-inf,p\n", y));
        assertEquals(f + ": line 2, column 1 'a': '1e39' is not finite as a float (beyond +-3.4e38)",
                error("bad.csv", "a,b,y\n1e39,1,p\n", y));
        assertEquals(f + ": line 2, column 1 'a': '0x10' is not a number",
                error("bad.csv", "a,b,y\n0x10,1,p\n", y));
        assertEquals(f + ": line 3, column 2 'y': regression target 'cheap' is not a number",
                error("bad.csv", "a,y\n1,2\n3,cheap\n", CsvOptions.target("y").regression()));
        assertEquals(f + ": line 2, column 2 'y': empty class value", error("bad.csv", "a,y\n1,\n", y));
    }

    @Test
    void structureErrors() throws IOException {
        Path f = dir.resolve("bad.csv");
        CsvOptions y = CsvOptions.target("y");
        assertEquals(f + ": line 3, column 3 'y': missing field: the row has 2 fields but the header has 3 columns",
                error("bad.csv", "a,b,y\n1,2,p\n3,4\n", y));
        assertEquals(f + ": line 2, column 4: extra field '9': the row has more than 3 fields but the header has 3 columns",
                error("bad.csv", "a,b,y\n1,2,p,9\n", y));
        assertEquals(f + ": line 1: no target column 'label' in the header; the columns are: a, b, y",
                error("bad.csv", "a,b,y\n1,2,p\n", CsvOptions.target("label")));
        assertEquals(f + ": empty file: expected a header line of column names", error("bad.csv", "", y));
        assertEquals(f + ": line 1: a header but no data rows", error("bad.csv", "a,b,y\n\n", y));
        assertEquals(f + ": line 1, column 3 'a': duplicate column name (also column 1)",
                error("bad.csv", "a,b,a,y\n1,2,3,p\n", y));
        assertEquals(f + ": line 1, column 2 '': empty column name in the header",
                error("bad.csv", "a,,y\n1,2,p\n", y));
        assertEquals(f + ": line 3, column 2 'b': unterminated quote: the quoted field opened here never closes",
                error("bad.csv", "a,b,y\n1,2,p\n3,\"4,q\n5,6,r\n", y));
        assertEquals(f + ": line 2, column 1 'a': unexpected character 'x' after a closing quote (a quote inside a "
                + "quoted field is written \"\")", error("bad.csv", "a,b,y\n\"1\"x,2,p\n", y));
        assertEquals(f + ": line 1: no feature columns left (columns: a, y)",
                error("bad.csv", "a,y\n1,p\n", y.exclude("a")));
        Path binary = dir.resolve("bin.csv");
        Files.write(binary, new byte[] {'a', ',', 'y', '\n', 1, ',', (byte) 0xC3, '\n'});
        CsvFormatException e = assertThrows(CsvFormatException.class, () -> CsvDataset.read(binary, y));
        assertTrue(e.getMessage().startsWith(binary + ": not UTF-8 text"), e.getMessage());
    }
}

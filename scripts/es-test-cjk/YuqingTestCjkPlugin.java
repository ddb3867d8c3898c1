package tw.yuqing.testnode;

import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * Test-node shim, never installed in production. Elastic's integ-test-zip distribution leaves out the
 * analysis-common module, which is where the built-in "cjk" analyzer is registered; Lucene's CJKAnalyzer
 * itself ships in the distribution's lib/. Registering it under the same name lets the committed
 * mappings (which say "analyzer": "cjk") run unchanged on the test node and on the official image.
 * Only the default configuration (Lucene's default CJK stop set) is supported: that is all the mappings use.
 */
public final class YuqingTestCjkPlugin extends Plugin implements AnalysisPlugin {

    private static final String NAME = "cjk";

    private static final class Provider extends AbstractIndexAnalyzerProvider<CJKAnalyzer> {
        private final CJKAnalyzer analyzer = new CJKAnalyzer();

        Provider(String name, Settings settings) {
            super(name, settings);
        }

        @Override
        public CJKAnalyzer get() {
            return analyzer;
        }
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of(NAME, (indexSettings, environment, name, settings) -> new Provider(name, settings));
    }

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(new PreBuiltAnalyzerProviderFactory(NAME, CachingStrategy.ONE, CJKAnalyzer::new));
    }
}

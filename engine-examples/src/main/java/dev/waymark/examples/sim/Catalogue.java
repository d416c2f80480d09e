package dev.waymark.examples.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The synthetic shop's products: a fixed list of categories, each with a handful of SKUs at fixed
 * prices, so every run and every sample export sells the same things. Immutable.
 */
public final class Catalogue {

    /** One product. */
    public record Product(String sku, String category, double price) {
    }

    private static final String[] CATEGORIES = {"kitchen", "garden", "books", "toys", "apparel", "beauty", "electronics"};
    private static final double[] BASE_PRICES = {18.0, 34.0, 14.0, 22.0, 39.0, 16.0, 89.0};
    private static final int PER_CATEGORY = 6;

    private final List<Product> products;
    private final List<List<Product>> byCategory;

    /** The standard catalogue. */
    public Catalogue() {
        List<Product> all = new ArrayList<>();
        List<List<Product>> by = new ArrayList<>();
        for (int c = 0; c < CATEGORIES.length; c++) {
            List<Product> in = new ArrayList<>();
            String prefix = CATEGORIES[c].substring(0, 3).toUpperCase(Locale.ROOT);
            for (int i = 1; i <= PER_CATEGORY; i++) {
                // Prices spread around the category's base, rounded to .99 like a real shop's.
                double price = Math.round(BASE_PRICES[c] * (0.55 + 0.22 * i)) - 0.01;
                Product p = new Product(String.format(Locale.ROOT, "%s-%02d", prefix, i), CATEGORIES[c], price);
                in.add(p);
                all.add(p);
            }
            by.add(List.copyOf(in));
        }
        products = List.copyOf(all);
        byCategory = List.copyOf(by);
    }

    /** Number of categories. */
    public int categoryCount() {
        return CATEGORIES.length;
    }

    /** The category's name. */
    public String category(int index) {
        return CATEGORIES[index];
    }

    /** The products of one category. */
    public List<Product> inCategory(int index) {
        return byCategory.get(index);
    }

    /** Every product, by category. */
    public List<Product> products() {
        return products;
    }

    /** The product with this sku. */
    public Product product(String sku) {
        for (Product p : products) {
            if (p.sku().equals(sku)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no product " + sku);
    }
}

/**
 * Hand-written DataModels used by the generator's tests, shaped the way the architect writes them:
 * a todo app with accounts and ownership, a book-review app without accounts, and a contact app
 * that exercises the remaining field types. Parsed with the real schema so they stay valid.
 */
import { DataModels } from '../../contracts/artifacts.ts';
import type { ModelField } from '../../contracts/artifacts.ts';

const base: ModelField[] = [{ name: 'id', type: 'UUID', primary_key: true, readonly: true, required: true }];
const stamps: ModelField[] = [
  { name: 'created_at', type: 'DateTime', required: true, readonly: true },
  { name: 'updated_at', type: 'DateTime', required: true, readonly: true },
];
const owner: ModelField = { name: 'user_id', type: 'UUID', required: true, readonly: true, foreign_key: 'User.id', on_delete: 'cascade' };

const userModel = {
  name: 'User',
  collection: 'users',
  resource: null,
  label: 'User',
  label_plural: 'Users',
  fields: [
    ...base,
    { name: 'email', type: 'Email', required: true, unique: true, label: 'Email' },
    { name: 'password_hash', type: 'String', required: true, private: true },
    ...stamps,
  ],
  indexes: [{ fields: ['email'], unique: true }],
  owned: false,
  access: { read: 'owner', write: 'owner' },
  searchable: [],
  display_field: 'email',
} as const;

/** (1) Accounts and ownership; the app name tries to smuggle markup into every place it appears. */
export const todoApp: DataModels = DataModels.parse({
  app_name: 'Todo <script>alert("x")</script> & "Tasks"',
  slug: 'todo-app',
  auth: { enabled: true, ownership: true },
  models: [
    userModel,
    {
      name: 'Todo',
      collection: 'todos',
      resource: 'todos',
      label: 'Todo',
      label_plural: 'Todos',
      fields: [
        ...base,
        owner,
        { name: 'title', type: 'String', required: true, max_length: 200, label: 'Title' },
        { name: 'completed', type: 'Boolean', required: true, default: false, label: 'Completed' },
        { name: 'due_date', type: 'Date', required: false, label: 'Due date' },
        ...stamps,
      ],
      indexes: [{ fields: ['user_id'] }],
      owned: true,
      access: { read: 'owner', write: 'owner' },
      searchable: ['title'],
      display_field: 'title',
    },
  ],
});

/** (2) No accounts; Review belongs to Book, with a bounded rating and an enum. */
export const bookReviewApp: DataModels = DataModels.parse({
  app_name: 'Book Reviews',
  slug: 'book-reviews',
  auth: { enabled: false, ownership: false },
  models: [
    {
      name: 'Book',
      collection: 'books',
      resource: 'books',
      label: 'Book',
      label_plural: 'Books',
      fields: [
        ...base,
        { name: 'title', type: 'String', required: true, label: 'Title' },
        { name: 'author', type: 'String', required: true, label: 'Author' },
        { name: 'summary', type: 'Text', required: false, label: 'Summary' },
        ...stamps,
      ],
      indexes: [],
      owned: false,
      access: { read: 'public', write: 'public' },
      searchable: ['title', 'author'],
      display_field: 'title',
    },
    {
      name: 'Review',
      collection: 'reviews',
      resource: 'reviews',
      label: 'Review',
      label_plural: 'Reviews',
      fields: [
        ...base,
        { name: 'book_id', type: 'UUID', required: true, foreign_key: 'Book.id', on_delete: 'cascade', label: 'Book' },
        { name: 'rating', type: 'Integer', required: true, min: 1, max: 5, label: 'Rating' },
        {
          name: 'sentiment',
          type: 'Enum',
          required: true,
          enum_values: ['positive', 'neutral', 'negative'],
          default: 'neutral',
          label: 'Sentiment',
        },
        { name: 'body', type: 'Text', required: false, label: 'Review text' },
        ...stamps,
      ],
      indexes: [{ fields: ['book_id'] }],
      owned: false,
      access: { read: 'public', write: 'public' },
      searchable: ['body'],
      display_field: 'rating',
    },
  ],
});

/**
 * (3) Decimal, URL, Email, Phone and DateTime fields; accounts without ownership, public reads and
 * signed-in writes; two references to one model with the "restrict" and "set null" delete rules.
 */
export const vendorApp: DataModels = DataModels.parse({
  app_name: 'Vendor Directory',
  slug: 'vendor-directory',
  auth: { enabled: true, ownership: false },
  models: [
    userModel,
    {
      name: 'Vendor',
      collection: 'vendors',
      resource: 'vendors',
      label: 'Vendor',
      label_plural: 'Vendors',
      fields: [
        ...base,
        { name: 'name', type: 'String', required: true, max_length: 120, unique: true, label: 'Name' },
        { name: 'hourly_rate', type: 'Decimal', required: true, min: 0, max: 10000, label: 'Hourly rate' },
        { name: 'website', type: 'URL', required: false, label: 'Website' },
        { name: 'contact_email', type: 'Email', required: true, label: 'Contact email' },
        { name: 'phone', type: 'Phone', required: false, label: 'Phone' },
        { name: 'next_meeting', type: 'DateTime', required: false, label: 'Next meeting' },
        { name: 'active', type: 'Boolean', required: true, default: true, label: 'Active' },
        ...stamps,
      ],
      indexes: [{ fields: ['name'], unique: true }],
      owned: false,
      access: { read: 'public', write: 'authenticated' },
      searchable: ['name', 'contact_email'],
      display_field: 'name',
    },
    {
      name: 'Contract',
      collection: 'contracts',
      resource: 'contracts',
      label: 'Contract',
      label_plural: 'Contracts',
      fields: [
        ...base,
        { name: 'vendor_id', type: 'UUID', required: true, foreign_key: 'Vendor.id', on_delete: 'restrict', label: 'Vendor' },
        {
          name: 'backup_vendor_id',
          type: 'UUID',
          required: false,
          foreign_key: 'Vendor.id',
          on_delete: 'set null',
          label: 'Backup vendor',
        },
        { name: 'title', type: 'String', required: true, label: 'Title' },
        { name: 'stage', type: 'Enum', required: true, enum_values: ['draft', 'signed', 'ended'], default: 'draft', label: 'Stage' },
        ...stamps,
      ],
      indexes: [{ fields: ['vendor_id'] }],
      owned: false,
      access: { read: 'public', write: 'authenticated' },
      searchable: ['title'],
      display_field: 'title',
    },
  ],
});
